package dev.durable.inngest.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.durable.inngest.Event;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.Ids;
import dev.durable.inngest.engine.store.NewRun;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore.Completion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory store under workers that call it at once, as the engine's do.
 */
class InMemoryStoreConcurrencyTests {

	private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

	private final InMemoryInngestStore store = new InMemoryInngestStore();

	private final Ids ids = new Ids(Clock.systemUTC());

	private final ExecutorService workers = Executors.newFixedThreadPool(8);

	@AfterEach
	void stopWorkers() throws InterruptedException {
		this.workers.shutdownNow();
		assertThat(this.workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void workersClaimingTheSameRunsAtOnceEachTakeADifferentOneAndCompleteIt() throws Exception {
		Event event = new Event("test", Map.of(), null, "event", NOW.toEpochMilli(), null);
		this.store.events().insert(List.of(event), NOW);
		List<NewRun> runs = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			runs.add(new NewRun(this.ids.next(NOW), "fn", event.id(), NOW));
		}
		this.store.runs().create(runs);
		List<String> runIds = runs.stream().map(NewRun::id).toList();
		Map<String, String> claimedBy = new ConcurrentHashMap<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Integer>> claims = new ArrayList<>();
		for (int worker = 0; worker < 8; worker++) {
			String lease = "lease-" + worker;
			claims.add(this.workers.submit(() -> {
				start.await();
				int completed = 0;
				// Until no run is due: a claimed run is not due while its lease runs, a
				// completed one never.
				List<String> due = this.store.runs().findDue(NOW.plusSeconds(1), 20, List.of("fn"));
				for (; !due.isEmpty(); due = this.store.runs().findDue(NOW.plusSeconds(1), 20, List.of("fn"))) {
					for (RunRecord run : this.store.runs()
						.claim(due, lease, NOW.plusSeconds(1), NOW.plus(Duration.ofMinutes(1)))) {
						assertThat(claimedBy.putIfAbsent(run.id(), lease)).isNull();
						boolean held = this.store.transactions()
							.execute((status) -> this.store.runs()
								.complete(new Completion(run.id(), lease, "1", NOW.plusSeconds(2), null)));
						assertThat(held).isTrue();
						completed++;
					}
				}
				return completed;
			}));
		}
		start.countDown();
		int completed = 0;
		for (Future<Integer> claim : claims) {
			completed += claim.get(30, TimeUnit.SECONDS);
		}
		assertThat(completed).isEqualTo(runIds.size());
		assertThat(claimedBy).hasSize(runIds.size());
		assertThat(this.store.runs().countByFunction()).isEqualTo(Map.of("fn", Map.of(RunStatus.COMPLETED, 500L)));
		assertThat(this.store.runs().backlog(NOW.plusSeconds(60)).due()).isZero();
	}

}
