package dev.durable.inngest.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.InngestRuns;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.RunView;
import dev.durable.inngest.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The threads the engine's workers execute runs on: platform threads, or virtual threads
 * when the application turns them on ({@code spring.threads.virtual.enabled}) on a JDK
 * that has them.
 */
class InngestWorkerThreadsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class))
		.withPropertyValues("inngest.local.store=memory")
		.withUserConfiguration(ThreadFunction.class);

	@Test
	void runsExecuteOnPlatformWorkerThreadsByDefault() {
		this.runner.run((context) -> assertThat(threadOfARun(context)).containsEntry("virtual", false)
			.containsEntry("daemon", true)
			.containsEntry("name", "inngest-worker-1"));
	}

	@Test
	void runsExecuteOnVirtualWorkerThreadsWhenTheApplicationTurnsThemOn() {
		// Before Java 21 there are none, and Spring Boot leaves the property unapplied.
		// The first run starts the first worker, named as the first platform one is.
		boolean virtual = JRE.currentVersionNumber() >= 21;
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true")
			.run((context) -> assertThat(threadOfARun(context)).containsEntry("virtual", virtual)
				.containsEntry("name", "inngest-worker-1"));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> threadOfARun(ApplicationContext context) {
		String eventId = context.getBean(InngestClient.class).send(Event.of("test/thread")).get(0);
		InngestRuns runs = context.getBean(InngestRuns.class);
		RunView run = await().atMost(Duration.ofSeconds(30))
			.until(() -> runs.runsOf(eventId).stream().findFirst().orElse(null),
					(found) -> found != null && found.status() == RunStatus.COMPLETED);
		return (Map<String, Object>) run.output();
	}

	static class ThreadFunction {

		@InngestFunction(id = "thread", event = "test/thread")
		Map<String, Object> thread(Step step) {
			return step.run("thread", Map.class, () -> {
				Thread thread = Thread.currentThread();
				return Map.of("name", thread.getName(), "daemon", thread.isDaemon(), "virtual", isVirtual(thread));
			});
		}

		// Thread.isVirtual() is Java 21's; the code is built for 17.
		private static boolean isVirtual(Thread thread) {
			try {
				return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
