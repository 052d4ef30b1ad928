package dev.durable.benchmarks;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.durable.benchmarks.Benchmark.Clocks;
import dev.durable.benchmarks.Benchmark.Round;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.sql.common.SqlStorageProviderFactory;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * W1's work on two established Java job engines, on the same database, connection pool
 * and machine, each with the same eight workers as the engine: P1 on db-scheduler, P2 on
 * JobRunr. Each round schedules 10,000 jobs with a trivial body, due at once, in batches
 * of 100 from one thread (W1 sends its events so), and ends when every job has run and
 * none is left to run in the store. The engine is stopped meanwhile. What each stores
 * differs: a one-step run of the engine keeps its event, its run and its step;
 * db-scheduler deletes a one-time task's row once it has run; JobRunr keeps a succeeded
 * job, with its states, for 36 hours.
 */
final class PeerEngines {

	/** Jobs per measured round, as W1's runs. */
	static final int JOBS = 10_000;

	private final Benchmark benchmark;

	private final DataSource dataSource;

	private final boolean postgres;

	PeerEngines(Benchmark benchmark, DataSource dataSource, boolean postgres) {
		this.benchmark = benchmark;
		this.dataSource = dataSource;
		this.postgres = postgres;
	}

	/**
	 * P1: db-scheduler's one-time tasks, in its table as its documentation creates it for
	 * PostgreSQL (three indexes), with H2's types on H2. Polled every second, as the
	 * engine polls; immediate execution on, so that a task due at once is looked for when
	 * it is scheduled; on PostgreSQL, the lock-and-fetch strategy
	 * ({@code SELECT ... FOR UPDATE SKIP
	 * LOCKED}) that db-scheduler advises for throughput there, on H2 its default strategy
	 * (H2 has no lock-and-fetch in db-scheduler).
	 */
	Map<String, Object> dbScheduler() throws SQLException {
		return dbScheduler(0);
	}

	/**
	 * P3: P1's tasks, each scheduled with a call of its own ({@link SendPerCall}).
	 * @param threads how many threads schedule at once
	 */
	Map<String, Object> dbSchedulerPerCall(int threads) throws SQLException {
		return dbScheduler(threads);
	}

	/** P1, or P3 from {@code perCall} threads when that is more than 0. */
	private Map<String, Object> dbScheduler(int perCall) throws SQLException {
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		String text = this.postgres ? "TEXT" : "VARCHAR(100)";
		jdbc.sql("CREATE TABLE scheduled_tasks (task_name " + text + " NOT NULL, task_instance " + text
				+ " NOT NULL, task_data " + (this.postgres ? "BYTEA" : "BLOB")
				+ ", execution_time TIMESTAMP WITH TIME ZONE NOT NULL, picked BOOLEAN NOT NULL, picked_by " + text
				+ ", last_success TIMESTAMP WITH TIME ZONE, last_failure TIMESTAMP WITH TIME ZONE, "
				+ "consecutive_failures INT, last_heartbeat TIMESTAMP WITH TIME ZONE, version BIGINT NOT NULL, "
				+ "priority SMALLINT, PRIMARY KEY (task_name, task_instance))")
			.update();
		jdbc.sql("CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)").update();
		jdbc.sql("CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)").update();
		jdbc.sql("CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)")
			.update();
		OneTimeTask<Void> task = Tasks.oneTime("bench-one-step").execute((instance, context) -> PeerJobs.run(0));
		SchedulerBuilder builder = Scheduler.create(this.dataSource, task)
			.threads(Benchmark.WORKERS)
			.pollingInterval(Duration.ofSeconds(1))
			.enableImmediateExecution();
		if (this.postgres) {
			builder.pollUsingLockAndFetch(0.5, 1.0);
		}
		Scheduler scheduler = builder.build();
		scheduler.start();
		try {
			LongSupplier left = () -> jdbc.sql("SELECT COUNT(*) FROM scheduled_tasks").query(Long.class).single();
			if (perCall > 0) {
				return SendPerCall.measure(this.benchmark, perCall,
						(n) -> scheduler.schedule(task.instance(Benchmark.IDS.next()), Instant.now()),
						completion(left, null));
			}
			return measure((jobs) -> {
				for (int sent = 0; sent < jobs; sent += 100) {
					List<TaskInstance<?>> batch = new ArrayList<>(100);
					for (int i = sent; i < Math.min(jobs, sent + 100); i++) {
						batch.add(task.instance(Benchmark.IDS.next()));
					}
					scheduler.scheduleBatch(batch, Instant.now());
				}
			}, left, null);
		}
		finally {
			scheduler.stop();
		}
	}

	/**
	 * P2: JobRunr's enqueued jobs, in the tables JobRunr creates, with its background job
	 * server polling every 5 seconds (the shortest interval JobRunr allows, 15 by
	 * default). A batch is enqueued with one call
	 * ({@code JobScheduler.enqueue(Stream, ...)}), which saves its jobs together.
	 */
	Map<String, Object> jobRunr() throws SQLException {
		return jobRunr(0);
	}

	/**
	 * P4: P2's jobs, each enqueued with a call of its own ({@link SendPerCall}).
	 * @param threads how many threads enqueue at once
	 */
	Map<String, Object> jobRunrPerCall(int threads) throws SQLException {
		return jobRunr(threads);
	}

	/** P2, or P4 from {@code perCall} threads when that is more than 0. */
	private Map<String, Object> jobRunr(int perCall) throws SQLException {
		JobScheduler scheduler = JobRunr.configure()
			.useStorageProvider(SqlStorageProviderFactory.using(this.dataSource))
			.useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
				.andWorkerCount(Benchmark.WORKERS)
				.andPollInterval(Duration.ofSeconds(5)))
			.initialize()
			.getJobScheduler();
		JdbcClient jdbc = JdbcClient.create(this.dataSource);
		try {
			LongSupplier left = () -> jdbc
				.sql("SELECT COUNT(*) FROM jobrunr_jobs WHERE state IN ('SCHEDULED', 'ENQUEUED', 'PROCESSING')")
				.query(Long.class)
				.single();
			LongSupplier succeeded = () -> jdbc.sql("SELECT COUNT(*) FROM jobrunr_jobs WHERE state = 'SUCCEEDED'")
				.query(Long.class)
				.single();
			if (perCall > 0) {
				return SendPerCall.measure(this.benchmark, perCall, (n) -> scheduler.enqueue(() -> PeerJobs.run(n)),
						completion(left, succeeded));
			}
			return measure((jobs) -> {
				for (int sent = 0; sent < jobs; sent += 100) {
					scheduler.enqueue(IntStream.range(sent, Math.min(jobs, sent + 100)).boxed(),
							(Integer n) -> PeerJobs.run(n));
				}
			}, left, succeeded);
		}
		finally {
			JobRunr.destroy();
		}
	}

	/**
	 * Warms up and measures a peer engine as W1 is: batches of 2,000 jobs for the warm-up
	 * time, then five rounds of {@value #JOBS}.
	 * @param schedule schedules this many jobs
	 * @param left how many jobs are left to run in the store
	 * @param succeeded how many jobs the store keeps as done, or {@code null} where it
	 * keeps none
	 */
	private Map<String, Object> measure(Schedule schedule, LongSupplier left, LongSupplier succeeded)
			throws SQLException {
		this.benchmark.warmUp(round(Benchmark.WARM_UP, schedule, left, succeeded));
		return Benchmark.rounds(JOBS, round(JOBS, schedule, left, succeeded));
	}

	/**
	 * One round: schedules the jobs, then waits until every body has run and the store
	 * has none left to run; checks that the store keeps as many more as done, where it
	 * keeps them.
	 */
	private static Round round(int jobs, Schedule schedule, LongSupplier left, LongSupplier succeeded) {
		SendPerCall.Completion completion = completion(left, succeeded);
		return () -> {
			Runnable awaitAll = completion.after(jobs);
			Clocks start = Clocks.read();
			schedule.jobs(jobs);
			awaitAll.run();
			return Clocks.read().since(start);
		};
	}

	/**
	 * Waits until every body has run and the store has none left to run; checks that the
	 * store keeps as many more as done, where it keeps them.
	 */
	private static SendPerCall.Completion completion(LongSupplier left, LongSupplier succeeded) {
		return (jobs) -> {
			long doneBefore = PeerJobs.done();
			long succeededBefore = (succeeded != null) ? succeeded.getAsLong() : 0;
			return () -> {
				Benchmark.awaitOver(() -> PeerJobs.done() - doneBefore >= jobs && left.getAsLong() <= 0,
						Duration.ofMinutes(5),
						() -> (PeerJobs.done() - doneBefore) + " of " + jobs + " jobs ran in 5 minutes");
				long stored = (succeeded != null) ? succeeded.getAsLong() - succeededBefore : jobs;
				if (stored != jobs) {
					throw new IllegalStateException(
							jobs + " jobs ran, but " + stored + " more are stored as succeeded");
				}
			};
		};
	}

	/** Schedules this many jobs, each due at once. */
	@FunctionalInterface
	private interface Schedule {

		void jobs(int count);

	}

}
