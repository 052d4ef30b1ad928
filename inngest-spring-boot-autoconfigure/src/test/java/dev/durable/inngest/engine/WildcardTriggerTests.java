package dev.durable.inngest.engine;

import java.util.List;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.testsupport.DrivenEngine;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Functions triggered by a wildcard, as Inngest triggers them: {@code app/*} by every
 * event whose name starts with {@code app/}.
 */
class WildcardTriggerTests {

	private final ApplicationContextRunner runner = DrivenEngine.runner("wildcards")
		.withUserConfiguration(Functions.class);

	@Test
	void anEventStartsEveryFunctionWhoseWildcardMatchesItsName() {
		this.runner.run((context) -> {
			InngestClient inngest = context.getBean(InngestClient.class);
			inngest.send(Event.of("app/user.created", Map.of("n", 1)));
			inngest.send(Event.of("app/order.placed", Map.of("n", 2)));
			inngest.send(Event.of("shop/order.placed", Map.of("n", 3)));
			DueRuns dueRuns = context.getBean(DueRuns.class);
			while (dueRuns.executeRound() > 0) {
				// Until every run has ended.
			}
			List<RunRecord> runs = context.getBean(RunStore.class).list(RunQuery.all(10));
			assertThat(runs).extracting(RunRecord::functionId, (run) -> run.event().name(), RunRecord::status)
				.containsExactlyInAnyOrder(tuple("everything-in-app", "app/user.created", RunStatus.COMPLETED),
						tuple("users", "app/user.created", RunStatus.COMPLETED),
						tuple("everything-in-app", "app/order.placed", RunStatus.COMPLETED));
		});
	}

	static class Functions {

		@InngestFunction(id = "everything-in-app", event = "app/*")
		String everything(Event event) {
			return event.name();
		}

		@InngestFunction(id = "users", event = { "app/user.*", "app/user.created" })
		String users(Event event) {
			return event.name();
		}

	}

}
