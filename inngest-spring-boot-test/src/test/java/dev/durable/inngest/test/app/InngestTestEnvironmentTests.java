package dev.durable.inngest.test.app;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;

import dev.durable.inngest.Event;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.RunQueue;
import dev.durable.inngest.engine.store.StepStatus;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestClock;
import dev.durable.inngest.test.InngestTestEnvironment;
import dev.durable.inngest.test.SentEvents;
import dev.durable.inngest.test.StepMock;
import dev.durable.inngest.test.TestRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The test environment over the functions of {@link Functions}: time that moves only when
 * told, runs executed on the test's thread, mocked steps and captured events.
 */
@InngestTest
class InngestTestEnvironmentTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	RunQueue queue;

	@Autowired
	@Qualifier("inngestClock")
	InngestTestClock clock;

	@Autowired
	Functions functions;

	@BeforeEach
	void resetCounters() {
		this.functions.flakyCalls.set(0);
		this.functions.charges.set(0);
	}

	@Test
	void eachTestStartsAtTheFixedInstant() {
		assertThat(this.inngest.now()).isEqualTo(InngestTestClock.START);
	}

	@Test
	void sleepOfADayWakesWhenTheClockMovesADay() {
		String runId = this.inngest.send(Event.of("app/remind", Map.of("user", "ada"))).runId();
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.SLEEPING).doesNotHaveStep("send-reminder");
		this.inngest.advance(Duration.ofHours(23));
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.SLEEPING);
		this.inngest.advance(Duration.ofHours(1));
		assertThat(this.inngest.awaitEnd(runId)).isCompleted()
			.hasOutput(Map.of("sent", "reminded ada"))
			.step("send-reminder")
			.hasOutput("reminded ada");
	}

	@Test
	void awaitEndWithinADurationMovesTheClockUntilTheRunEnds() {
		String runId = this.inngest.send(Event.of("app/remind", Map.of("user", "ada"))).runId();
		assertThat(this.inngest.awaitEnd(runId, Duration.ofDays(7))).isCompleted()
			.hasOutput(Map.of("sent", "reminded ada"));
		// Stopped once the run ended, a day later, not at the week's end.
		assertThat(this.inngest.now()).isBetween(InngestTestClock.START.plus(Duration.ofHours(24)),
				InngestTestClock.START.plus(Duration.ofHours(25)));
	}

	@Test
	void awaitEndWithinADurationThatEndsFirstSaysWhereTheRunIs() {
		String runId = this.inngest.send(Event.of("app/remind", Map.of("user", "ada"))).runId();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.inngest.awaitEnd(runId, Duration.ofHours(23)))
			.withMessageContaining("SLEEPING")
			.withMessageContaining("due at " + InngestTestClock.START.plus(Duration.ofHours(24)));
	}

	@Test
	void awaitEndOfASleepingRunSaysToMoveTheClock() {
		String runId = this.inngest.send(Event.of("app/remind", Map.of("user", "ada"))).runId();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.inngest.awaitEnd(runId))
			.withMessageContaining("SLEEPING")
			.withMessageContaining("advance(");
	}

	@Test
	void waitForEventIsAnsweredByTheMatchingEvent() {
		String runId = this.inngest.send(Event.of("app/request", Map.of("id", "r-1"))).runId();
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.WAITING);
		this.inngest.send(Event.of("app/approved", Map.of("id", "r-2", "by", "someone else")));
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.WAITING);
		this.inngest.send(Event.of("app/approved", Map.of("id", "r-1", "by", "grace")));
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().hasOutput("approved by grace");
	}

	@Test
	void waitForEventTimesOutWhenTheClockPassesItsTimeout() {
		String runId = this.inngest.send(Event.of("app/request", Map.of("id", "r-1"))).runId();
		this.inngest.advance(Duration.ofMinutes(59));
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.WAITING);
		this.inngest.advance(Duration.ofMinutes(1));
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().hasOutput("timed out");
	}

	@Test
	void retryBackOffElapsesOnlyWhenTheClockMoves() {
		String runId = this.inngest.send(Event.of("app/flaky", Map.of())).runId();
		assertThat(this.functions.flakyCalls).hasValue(1);
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.QUEUED).step("call-service").hasAttempts(1);
		this.inngest.runUntilIdle();
		assertThat(this.functions.flakyCalls).hasValue(1);
		this.inngest.advance(Duration.ofMinutes(10));
		assertThat(this.inngest.awaitEnd(runId)).isCompleted()
			.hasOutput(3)
			.step("call-service")
			.hasAttempts(3)
			.hasFailedAttempts(2);
	}

	@Test
	void aRetryFallsDueWhenInngestsScheduleSaysWithoutJitter() {
		String runId = this.inngest.send(Event.of("app/flaky", Map.of())).runId();
		this.inngest.advance(Duration.ofSeconds(14));
		assertThat(this.functions.flakyCalls).hasValue(1);
		this.inngest.advance(Duration.ofSeconds(1));
		assertThat(this.functions.flakyCalls).hasValue(2);
		assertThat(this.inngest.run(runId)).step("call-service").hasFailedAttempts(2);
	}

	@Test
	void awaitEndOfARetryingRunSaysWhatItsLastAttemptFailedWith() {
		String runId = this.inngest.send(Event.of("app/flaky", Map.of())).runId();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.inngest.awaitEnd(runId))
			.withMessageContaining("its last attempt failed in step 'call-service' with IllegalStateException: "
					+ "service unavailable (call 1)");
	}

	@Test
	void runsOfAFunctionAreListedInTheOrderTheirEventsWereSent() {
		SentEvents sent = this.inngest.send(Event.of("app/pay", Map.of("n", 1)), Event.of("app/pay", Map.of("n", 2)),
				Event.of("app/pay", Map.of("n", 3)), Event.of("app/pay", Map.of("n", 4)));
		assertThat(this.inngest.runsOf("pay")).extracting((run) -> run.event().data().get("n"))
			.containsExactly(1, 2, 3, 4);
		assertThat(sent.runs()).extracting((run) -> run.event().data().get("n")).containsExactly(1, 2, 3, 4);
	}

	@Test
	void anEventSentAgainWithItsIdStartsNoRunAndTheSendSaysSo() {
		Event payment = Event.of("app/pay", Map.of()).withId("pay-1");
		SentEvents first = this.inngest.send(payment);
		SentEvents again = this.inngest.send(payment);
		assertThat(this.inngest.runsOf("pay")).extracting(TestRun::id).containsExactlyElementsOf(first.runIds());
		assertThat(again.runIds()).isEmpty();
		assertThat(again.duplicateIds()).containsExactly("pay-1");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(again::runId)
			.withMessageContaining("started no run because events [pay-1] had been sent before");
	}

	@Test
	void anEventSentAgainWithItsIdMoreThanADayLaterStartsItsRunsAgain() {
		Event payment = Event.of("app/pay", Map.of()).withId("pay-2");
		SentEvents first = this.inngest.send(payment);
		this.inngest.advance(Duration.ofHours(24).plusSeconds(1));
		SentEvents again = this.inngest.send(payment);
		assertThat(again.duplicateIds()).isEmpty();
		assertThat(again.runIds()).hasSize(1).doesNotContainAnyElementsOf(first.runIds());
		assertThat(this.inngest.runsOf("pay")).extracting(TestRun::id).containsExactly(first.runId(), again.runId());
	}

	@Test
	void anInvokedFunctionRunsWithTheDataWhateverItsTriggerAndStartsNoOther() {
		TestRun run = this.inngest.invoke("remind", Map.of("user", "ada"));
		assertThat(run).hasStatus(RunStatus.SLEEPING);
		assertThat(run.event().name()).isEqualTo("inngest/function.invoked");
		assertThat(this.inngest.awaitEnd(run.id(), Duration.ofDays(1))).isCompleted()
			.hasOutput(Map.of("sent", "reminded ada"));
		assertThat(this.inngest.runsOf("hourly")).hasSize(24);
		assertThat(this.inngest.runsOf("remind")).hasSize(1);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.inngest.invoke("nope", Map.of()))
			.withMessageStartingWith("No function 'nope' is declared; the functions are [");
	}

	@Test
	void runsOfAFunctionNotDeclaredFailsNamingTheFunctions() {
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.inngest.runsOf("payy"))
			.withMessageContaining("No function 'payy' is declared")
			.withMessageContaining("pay");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.inngest.mockStep("payy", "charge"))
			.withMessageContaining("No function 'payy' is declared");
	}

	@Test
	void advanceStopsAtEachCronTickOnTheWay() {
		this.inngest.advance(Duration.ofDays(1));
		assertThat(this.inngest.runsOf("hourly")).hasSize(24).allSatisfy((run) -> assertThat(run).isCompleted());
	}

	@Test
	void theClockDoesNotMoveBack() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.inngest.advance(Duration.ofHours(-1)))
			.withMessageContaining("PT-1H");
		assertThat(this.inngest.now()).isEqualTo(InngestTestClock.START);
	}

	@Test
	void mockedStepFailsOnTheAttemptsGivenThenRunsItsRealBody() {
		this.inngest.mockStep("charge").failOnAttempts(1, 2);
		String runId = this.inngest.send(Event.of("app/pay", Map.of())).runId();
		this.inngest.advance(Duration.ofMinutes(10));
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().hasOutput("ch-1").step("charge").hasAttempts(3);
		assertThat(this.functions.charges).hasValue(1);
	}

	@Test
	void mockedStepReturnsItsValueWithoutRunningTheBody() {
		this.inngest.mockStep("pay", "charge").returns("ch-mocked");
		String runId = this.inngest.send(Event.of("app/pay", Map.of())).runId();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().hasOutput("ch-mocked");
		assertThat(this.functions.charges).hasValue(0);
	}

	@Test
	void mockedStepAnswersEachRunFromItsEvent() {
		this.inngest.mockStep("charge")
			.answers((step) -> "ch-" + this.inngest.run(step.runId()).event().data().get("order"));
		String first = this.inngest.send(Event.of("app/pay", Map.of("order", "o-1"))).runId();
		String second = this.inngest.send(Event.of("app/pay", Map.of("order", "o-2"))).runId();
		assertThat(this.inngest.awaitEnd(first)).isCompleted().hasOutput("ch-o-1");
		assertThat(this.inngest.awaitEnd(second)).isCompleted().hasOutput("ch-o-2");
		assertThat(this.functions.charges).hasValue(0);
	}

	@Test
	void mockedStepAnswerThatThrowsFailsTheAttemptAndTheRetryIsAnsweredAgain() {
		StepMock charge = this.inngest.mockStep("charge").answers((step) -> {
			if (step.attempt() == 0) {
				throw new IllegalStateException("gateway timeout");
			}
			return "ch-attempt-" + step.attempt();
		});
		String runId = this.inngest.send(Event.of("app/pay", Map.of())).runId();
		assertThat(this.inngest.awaitEnd(runId, Duration.ofMinutes(1))).isCompleted()
			.hasOutput("ch-attempt-1")
			.step("charge")
			.hasAttempts(2)
			.hasFailedAttempts(1);
		assertThat(this.inngest.run(runId).step("charge").orElseThrow().failures()).singleElement()
			.satisfies((error) -> assertThat(error.message()).isEqualTo("gateway timeout"));
		assertThat(charge.calls()).isEqualTo(2);
	}

	@Test
	void mocksDoNotOutliveTheirTest() {
		String runId = this.inngest.send(Event.of("app/pay", Map.of())).runId();
		assertThat(this.inngest.awaitEnd(runId)).isCompleted().hasOutput("ch-1");
	}

	@Test
	void cancelEventStopsTheRunMidWayAndIsPublished() {
		String runId = this.inngest.send(Event.of("app/job.started", Map.of("id", "j-1"))).runId();
		this.inngest.advance(Duration.ofMinutes(30));
		this.inngest.send(Event.of("app/job.cancelled", Map.of("id", "j-1")));
		this.inngest.advance(Duration.ofHours(2));
		TestRun run = this.inngest.awaitEnd(runId);
		assertThat(run).wasCancelledBy("event").hasStep("begin").doesNotHaveStep("finish");
		assertThat(this.inngest.cancelledEvents()).singleElement()
			.extracting(FunctionCancelledEvent::runId)
			.isEqualTo(runId);
	}

	@Test
	void finishTimeoutCancelsTheRunWhenTheClockPassesIt() {
		String runId = this.inngest.send(Event.of("app/bounded", Map.of())).runId();
		this.inngest.advance(Duration.ofMinutes(29));
		assertThat(this.inngest.run(runId)).hasStatus(RunStatus.SLEEPING);
		this.inngest.advance(Duration.ofMinutes(1));
		assertThat(this.inngest.awaitEnd(runId)).wasCancelledBy("timeout")
			.step("until-tomorrow")
			.hasStatus(StepStatus.CANCELLED);
		assertThat(this.inngest.cancelledEvents()).singleElement()
			.extracting(FunctionCancelledEvent::runId)
			.isEqualTo(runId);
	}

	@Test
	void runThatFailsForGoodIsPublished() {
		String runId = this.inngest.send(Event.of("app/doomed", Map.of())).runId("doomed");
		assertThat(this.inngest.awaitEnd(runId)).isFailed()
			.hasErrorMessageContaining("nothing works")
			.step("give-up")
			.isFailed()
			.hasErrorMessageContaining("nothing works")
			.hasAttempts(1);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(this.inngest.run(runId)).step("give-up").hasErrorMessageContaining("other"))
			.withMessageContaining("Expected step 'give-up' to have an error whose message contains \"other\"");
		assertThat(this.inngest.failedEvents()).singleElement().satisfies((failed) -> {
			assertThat(failed.runId()).isEqualTo(runId);
			assertThat(failed.error().message()).contains("nothing works");
		});
		assertThat(this.inngest.cancelledEvents()).isEmpty();
	}

	@Test
	void eventsOfANameAreThoseTheTestTheFunctionsAndTheEngineSent() {
		this.inngest.send(Event.of("app/ship", Map.of("order", "o-1")));
		this.inngest.send(Event.of("app/ship", Map.of("order", "o-2")));
		String doomed = this.inngest.send(Event.of("app/doomed", Map.of())).runId("doomed");

		assertThat(this.inngest.events("app/shipped")).extracting(Event::data)
			.containsExactly(Map.of("order", "o-1", "tracking", "tr-o-1"),
					Map.of("order", "o-2", "tracking", "tr-o-2"));
		assertThat(this.inngest.events("app/ship")).hasSize(2);
		assertThat(this.inngest.events("inngest/function.failed")).singleElement()
			.satisfies((failed) -> assertThat(failed.data()).containsEntry("run_id", doomed));
		assertThat(this.inngest.events("app/never-sent")).isEmpty();
	}

	@Test
	void eventsAreForgottenWithTheRunsBeforeTheNextTest() {
		this.inngest.send(Event.of("app/ship", Map.of("order", "o-3")));
		assertThat(this.inngest.events("app/shipped")).singleElement()
			.satisfies((shipped) -> assertThat(shipped.data()).containsEntry("order", "o-3"));
		this.inngest.reset();
		assertThat(this.inngest.events("app/shipped")).isEmpty();
	}

	@Test
	void runsHandedOffToWorkersThatATestNeverStartsAreForgottenBeforeEachTest() {
		this.inngest.send(Event.of("app/remind", Map.of("user", "ada")));
		assertThat(this.queue.size()).isPositive();
		this.inngest.reset();
		assertThat(this.queue.size()).isZero();
	}

	@Test
	void theClockSeenInAnotherZoneReadsTheSameInstantAndMovesWithIt() {
		Clock paris = this.clock.withZone(ZoneId.of("Europe/Paris"));
		assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
		assertThat(paris.instant()).isEqualTo(InngestTestClock.START);
		this.inngest.advance(Duration.ofHours(1));
		assertThat(paris.instant()).isEqualTo(this.inngest.now());
		assertThat(LocalTime.now(paris).getHour()).isEqualTo(2);
	}

}
