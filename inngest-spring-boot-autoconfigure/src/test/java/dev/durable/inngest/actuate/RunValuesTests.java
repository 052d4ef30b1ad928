package dev.durable.inngest.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.durable.inngest.ErrorInfo;
import dev.durable.inngest.Event;
import dev.durable.inngest.RunPage;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.actuate.InngestEndpoint.RunDetail;
import dev.durable.inngest.engine.store.AttemptRecord;
import dev.durable.inngest.engine.store.StepKind;
import dev.durable.inngest.engine.store.StepRecord;
import dev.durable.inngest.engine.store.StepStatus;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which values of a run are hidden, and which are kept.
 */
class RunValuesTests {

	private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

	private final ErrorInfo error = new ErrorInfo("CardDeclined", "card declined", "at Payments.charge(4111...)");

	private final RunView run = new RunView("01RUN", "charge", RunStatus.FAILED,
			new Event("shop/order.placed", Map.of("card", "4111 1111"), Map.of("email", "a@b.c"), "e-1", 1L, null), 3,
			NOW, NOW, NOW, Map.of("total", 12), this.error, null);

	@Test
	void aRunsDetailHidesEventDataOutputsAndStacksAndKeepsTheRest() {
		StepRecord step = new StepRecord("01RUN", "charge", "charge", StepKind.RUN, StepStatus.FAILED, 3,
				"{\"receipt\":\"r-1\"}", this.error, null, NOW, NOW);
		AttemptRecord attempt = new AttemptRecord("01RUN", "charge", 0, this.error, NOW);
		JsonNode masked = RunValues.masked(new RunDetail(this.run, List.of(step), List.of(attempt)));

		assertThat(masked.at("/run/event/data").asString()).isEqualTo(RunValues.MASK);
		assertThat(masked.at("/run/event/user").asString()).isEqualTo(RunValues.MASK);
		assertThat(masked.at("/run/output").asString()).isEqualTo(RunValues.MASK);
		assertThat(masked.at("/run/error/stack").asString()).isEqualTo(RunValues.MASK);
		assertThat(masked.at("/steps/0/output").asString()).isEqualTo(RunValues.MASK);
		assertThat(masked.at("/steps/0/error/stack").asString()).isEqualTo(RunValues.MASK);
		assertThat(masked.at("/attempts/0/error/stack").asString()).isEqualTo(RunValues.MASK);
		assertThat(masked.toString()).doesNotContain("4111").doesNotContain("a@b.c").doesNotContain("r-1");

		assertThat(masked.at("/run/id").asString()).isEqualTo("01RUN");
		assertThat(masked.at("/run/event/name").asString()).isEqualTo("shop/order.placed");
		assertThat(masked.at("/run/event/id").asString()).isEqualTo("e-1");
		assertThat(masked.at("/run/error/name").asString()).isEqualTo("CardDeclined");
		assertThat(masked.at("/run/error/message").asString()).isEqualTo("card declined");
		assertThat(masked.at("/steps/0/attempts").asInt()).isEqualTo(3);
		assertThat(masked.at("/steps/0/status").asString()).isEqualTo("FAILED");
	}

	@Test
	void aPageOfRunsHidesTheValuesOfEachAndKeepsItsCursor() {
		JsonNode masked = RunValues.masked(new RunPage(List.of(this.run, this.run), "01NEXT"));
		assertThat(masked.get("runs")).hasSize(2);
		masked.get("runs").forEach((each) -> {
			assertThat(each.at("/event/data").asString()).isEqualTo(RunValues.MASK);
			assertThat(each.get("output").asString()).isEqualTo(RunValues.MASK);
		});
		assertThat(masked.get("nextCursor").asString()).isEqualTo("01NEXT");
	}

	@Test
	void absentValuesStayAbsent() {
		RunView queued = new RunView("01RUN", "charge", RunStatus.QUEUED,
				new Event("shop/order.placed", Map.of(), null, "e-1", 1L, null), 0, NOW, null, null, null, null, null);
		JsonNode masked = RunValues.masked(new RunPage(List.of(queued), null));
		assertThat(masked.at("/runs/0/output").isNull()).isTrue();
		assertThat(masked.at("/runs/0/error").isNull()).isTrue();
	}

}
