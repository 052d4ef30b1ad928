package dev.durable.inngest.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.durable.inngest.BulkReplay;
import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link InMemoryInngestStore#clear()} forgets.
 */
class InMemoryInngestStoreTests {

	private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

	private final InMemoryInngestStore store = new InMemoryInngestStore();

	@Test
	void clearForgetsEveryEventOfAnIdSentAgainAndEveryRerunAndReplay() {
		Event event = new Event("test/e", Map.of(), null, "order-o-1", T0.toEpochMilli(), null);
		this.store.events().insert(List.of(event), T0);
		Instant later = T0.plus(Duration.ofHours(25));
		this.store.events().insertAgain(event, "key-1", later, later.minus(Duration.ofHours(24)));
		this.store.replays().link("run-2", "run-1", null, T0);
		this.store.replays()
			.insert(new BulkReplay("replay-1", "again", "fn", T0.minusSeconds(60), T0, null, Set.of(RunStatus.FAILED),
					BulkReplay.State.RUNNING, 1, 0, T0, T0));

		this.store.clear();

		assertThat(this.store.events().lastReceived(List.of(event.id()))).isEmpty();
		this.store.events().insert(List.of(event), T0);
		assertThat(this.store.events().find(event.id())).contains(event);
		assertThat(this.store.replays().links(List.of("run-1", "run-2"))).isEmpty();
		assertThat(this.store.replays().findRunning()).isEmpty();
	}

}
