package dev.durable.inngest.autoconfigure;

import java.util.List;

import dev.durable.inngest.CancelOn;
import dev.durable.inngest.Event;
import dev.durable.inngest.EventData;
import dev.durable.inngest.FailureContext;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnCancel;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.Step;
import dev.durable.inngest.Timeouts;
import dev.durable.inngest.function.InvalidFunctionException;
import dev.durable.inngest.testsupport.StartupFailures;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every declaration error stops the start with a message naming bean, method and value.
 */
class FunctionValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class));

	private String failureFor(Class<?> functions) {
		String[] message = new String[1];
		this.runner.withBean("functions", functions).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			InvalidFunctionException cause = StartupFailures.cause(failure, InvalidFunctionException.class);
			assertThat(cause).as("InvalidFunctionException in " + failure).isNotNull();
			FailureAnalysis analysis = StartupFailures.analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("bean 'functions'");
			message[0] = analysis.getDescription();
		});
		return message[0];
	}

	@Test
	void aJdkProxyThatHidesTheFunctionIsRefused() {
		this.runner.withBean("functions", Greeting.class, () -> {
			ProxyFactory proxy = new ProxyFactory(new Greeter());
			proxy.setInterfaces(Greeting.class);
			return (Greeting) proxy.getProxy();
		}).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(StartupFailures.analyze(context.getStartupFailure()).getDescription())
				.contains("Greeter.greet (bean 'functions')")
				.contains("the bean is a JDK proxy, whose interfaces do not declare greet")
				.contains("spring.aop.proxy-target-class=true");
		});
	}

	private String failureForClassProxyOf(Object target) {
		String[] description = new String[1];
		this.runner.withBean("functions", Object.class, () -> {
			ProxyFactory proxy = new ProxyFactory(target);
			proxy.setProxyTargetClass(true);
			return proxy.getProxy();
		}).run((context) -> {
			assertThat(context).hasFailed();
			description[0] = StartupFailures.analyze(context.getStartupFailure()).getDescription();
		});
		return description[0];
	}

	@Test
	void aPrivateFunctionOnAClassProxyIsRefusedAsPrivate() {
		assertThat(failureForClassProxyOf(new PrivateFunction())).contains("PrivateFunction.fn (bean 'functions')")
			.contains("the method is private, and the bean is a proxy, which cannot pass a call to it on to the bean")
			.contains("make it package-private, protected or public")
			.doesNotContain("JDK proxy");
	}

	@Test
	void aFinalFunctionOnAClassProxyIsRefused() {
		assertThat(failureForClassProxyOf(new FinalFunction())).contains("FinalFunction.fn (bean 'functions')")
			.contains("the method is final, and the bean is a proxy of its class, which cannot override it")
			.contains("remove final");
	}

	static class PrivateFunction {

		@InngestFunction(id = "fn", event = "e/x")
		private void fn(Event event) {
		}

	}

	static class FinalFunction {

		@InngestFunction(id = "fn", event = "e/x")
		final void fn(Event event) {
		}

	}

	interface Greeting {

		String hello();

	}

	static class Greeter implements Greeting {

		@Override
		public String hello() {
			return "hello";
		}

		@InngestFunction(id = "greet", event = "test/greet")
		public String greet() {
			return hello();
		}

	}

	@Test
	void aFunctionThatRunsInATransactionIsRefused() {
		assertThat(failureFor(TransactionalFunction.class)).contains("TransactionalFunction.fn")
			.contains("the method runs in a transaction (@Transactional on it or on its class)")
			.contains("each sleep, wait or retry would roll back")
			.contains("a @Transactional method of another bean, or a TransactionTemplate, called in the step");
	}

	@Test
	void aFunctionOfATransactionalClassIsRefused() {
		assertThat(failureFor(TransactionalClass.class)).contains("TransactionalClass.fn")
			.contains("the method runs in a transaction");
	}

	@Test
	void aFailureHandlerThatRunsInATransactionIsRefused() {
		assertThat(failureFor(TransactionalHandler.class)).contains("TransactionalHandler.failed")
			.contains("the method runs in a transaction");
	}

	@Test
	void aFunctionsOwnAnnotationsOnAHandlerAreRefused() {
		assertThat(failureFor(CancelOnAFailureHandler.class)).contains("CancelOnAFailureHandler.failed")
			.contains("@CancelOn is a function's, not an @OnFailure handler's: remove it from the handler");
		assertThat(failureFor(TimeoutsOnACancellationHandler.class))
			.contains("TimeoutsOnACancellationHandler.cancelled")
			.contains("@Timeouts is a function's, not an @OnCancel handler's: remove it from the handler");
	}

	@Test
	void aFunctionThatSuspendsTheTransactionOfItsClassIsAccepted() {
		this.runner.withBean("functions", NonTransactionalFunction.class)
			.withPropertyValues("inngest.local.store=memory")
			.withConfiguration(AutoConfigurations.of(InngestLocalAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	static class TransactionalFunction {

		@Transactional
		@InngestFunction(id = "fn", event = "e/x")
		public void fn(Event event) {
		}

	}

	@Transactional
	static class TransactionalClass {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

	}

	static class TransactionalHandler {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnFailure
		@Transactional(propagation = Propagation.REQUIRES_NEW)
		void failed(Step step) {
		}

	}

	static class CancelOnAFailureHandler {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnFailure
		@CancelOn(event = "e/stop")
		void failed(Step step) {
		}

	}

	static class TimeoutsOnACancellationHandler {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnCancel
		@Timeouts(finish = "1h")
		void cancelled(Step step) {
		}

	}

	@Transactional
	static class NonTransactionalFunction {

		@InngestFunction(id = "fn", event = "e/x")
		@Transactional(propagation = Propagation.NOT_SUPPORTED)
		void fn(Event event) {
		}

	}

	@Test
	void retriesAboveTwentyAreRefused() {
		assertThat(failureFor(TooManyRetries.class)).contains("TooManyRetries.fn")
			.contains("@Retries(21) is out of range: retries must be between 0 and 20");
	}

	@Test
	void negativeRetriesAreRefused() {
		assertThat(failureFor(NegativeRetries.class)).contains("@Retries(-1) is out of range");
	}

	@Test
	void idThatIsNotKebabCaseIsRefused() {
		assertThat(failureFor(BadId.class)).contains("@InngestFunction(id = \"Process_Order\") is not kebab-case");
	}

	@Test
	void idTooLongForItsHandlersIdsIsRefused() {
		assertThat(failureFor(LongId.class))
			.contains("@InngestFunction(id) has 121 characters; the longest allowed is 120, so that its handlers' ids "
					+ "(the id followed by -failure or -cancel) fit in 128");
	}

	@Test
	void eventNamesLongerThanAnEventsAreRefused() {
		assertThat(failureFor(LongEventNames.class))
			.contains("@InngestFunction(event) has a name of 256 characters; the longest an event name may have is 255")
			.contains("@CancelOn(event) has a name of 256 characters; the longest an event name may have is 255");
	}

	@Test
	void cancelRuleWithAWildcardIsRefused() {
		assertThat(failureFor(WildcardCancel.class)).contains("@CancelOn(event = \"orders/*\") has a *: the event "
				+ "that cancels a run is matched by its whole name, without wildcards");
	}

	@Test
	void functionWithoutTriggerIsRefused() {
		assertThat(failureFor(NoTrigger.class)).contains("has no trigger: set event or cron");
	}

	@Test
	void invalidCronIsRefused() {
		assertThat(failureFor(BadCron.class)).contains("@InngestFunction(cron = \"61 * * * *\") is invalid")
			.doesNotContain("has no trigger");
	}

	@Test
	void eventNameWithAStarThatIsNotAWildcardIsRefused() {
		assertThat(failureFor(MisplacedWildcard.class)).contains("MisplacedWildcard.fn")
			.contains("@InngestFunction(event) is invalid: the event name 'app*' has a '*' that is not a wildcard")
			.contains("as in 'app/*' or 'app/user.*'");
	}

	@Test
	void cronInAFormInngestDoesNotAcceptIsRefused() {
		assertThat(failureFor(LastDayCron.class)).contains("@InngestFunction(cron = \"0 0 L * *\") is invalid")
			.contains("the day-of-month field 'L' uses L (the last day of the month)")
			.contains("which Inngest's cron syntax does not accept");
	}

	@Test
	void conditionThatDoesNotCompileIsRefused() {
		assertThat(failureFor(BadCondition.class)).contains("@InngestFunction(condition) is not a valid CEL expression")
			.contains("event.data.amount >");
	}

	@Test
	void conditionOnTheLaterEventOfACancellationIsRefusedOnAFunction() {
		assertThat(failureFor(ConditionOnAsync.class))
			.contains("@InngestFunction(condition) is not a valid CEL expression")
			.contains("undeclared reference to 'async'")
			.contains("a function's condition sees only the event that triggers it, as 'event'");
	}

	static class ConditionOnAsync {

		@InngestFunction(id = "fn", event = "e/x", condition = "async.data.amount > 100")
		void fn(Event event) {
		}

	}

	@Test
	void invalidTimeStringsAreRefused() {
		assertThat(failureFor(BadTimeouts.class)).contains("@Timeouts(start) = \"5 minutes\" is invalid")
			.contains("@Timeouts(finish) = \"1y\" is invalid");
	}

	@Test
	void cancelRuleWithUnknownFieldIsRefused() {
		assertThat(failureFor(BadCancelMatch.class))
			.contains("@CancelOn(event = \"shop/order.cancelled\") match = \"orderId\" is not a field of the event");
	}

	@Test
	void cancelRuleWithInvalidTimeoutAndConditionIsRefused() {
		assertThat(failureFor(BadCancelRule.class)).contains("timeout = \"soon\" is invalid")
			.contains("condition is not a valid CEL expression");
	}

	@Test
	void moreThanFiveCancelRulesAreRefused() {
		assertThat(failureFor(SixCancelRules.class)).contains("at most 5 @CancelOn rules, found 6");
	}

	@Test
	void parameterThatCannotBeResolvedIsRefused() {
		assertThat(failureFor(UnresolvableParameter.class)).contains("parameter 'String text' cannot be resolved");
	}

	@Test
	void dataParameterWithoutEventDataIsRefusedWithTheAnnotationToAdd() {
		assertThat(failureFor(DataWithoutAnnotation.class))
			.contains("parameter 'Data order' cannot be resolved: a function may take Event, List<Event>, Step, "
					+ "RunContext and one @EventData parameter; to bind the event's data to it, annotate it "
					+ "@EventData");
	}

	@Test
	void secondEventDataParameterIsRefused() {
		assertThat(failureFor(TwoEventData.class)).contains("is a second @EventData parameter");
	}

	@Test
	void twoFunctionsWithOneIdAreRefused() {
		assertThat(failureFor(DuplicateIds.class)).contains("the function id 'same' is already used by");
	}

	@Test
	void failureHandlerNamingNoFunctionIsRefused() {
		assertThat(failureFor(OrphanHandler.class)).contains("@OnFailure(function = \"missing\") names no function");
	}

	@Test
	void failureHandlerWithoutFunctionOnBeanWithTwoFunctionsIsRefused() {
		assertThat(failureFor(AmbiguousHandler.class)).contains("@OnFailure names no function and its bean declares 2");
	}

	@Test
	void cancellationHandlerNamingNoFunctionIsRefused() {
		assertThat(failureFor(OrphanCancellationHandler.class))
			.contains("OrphanCancellationHandler.cancelled (bean 'functions')")
			.contains("@OnCancel(function = \"missing\") names no function; known functions are [fn]");
	}

	@Test
	void cancellationHandlerWithoutFunctionOnBeanWithTwoFunctionsIsRefused() {
		assertThat(failureFor(AmbiguousCancellationHandler.class))
			.contains("@OnCancel names no function and its bean declares 2")
			.contains("set @OnCancel(function = \"...\")");
	}

	@Test
	void secondCancellationHandlerOfAFunctionIsRefused() {
		assertThat(failureFor(TwoCancellationHandlers.class))
			.contains("function 'fn' already has a cancellation handler");
	}

	@Test
	void cancellationHandlerTakingAFailureContextIsRefused() {
		assertThat(failureFor(CancellationHandlerWithFailureContext.class))
			.contains("CancellationHandlerWithFailureContext.cancelled (bean 'functions')")
			.contains("parameter 'FailureContext failure' cannot be resolved: a cancellation handler may take "
					+ "FunctionCancelledEvent");
	}

	@Test
	void cancellationHandlerWithRetriesOutOfRangeIsRefused() {
		assertThat(failureFor(CancellationHandlerWithTooManyRetries.class)).contains("@Retries(21) is out of range");
	}

	@Test
	void cancellationHandlerWhoseIdIsTakenIsRefused() {
		assertThat(failureFor(CancellationHandlerIdTaken.class))
			.contains("the cancellation handler of 'fn' is registered as function 'fn-cancel', an id already used by");
	}

	@Test
	void everyProblemOfAMethodIsReportedAtOnce() {
		assertThat(failureFor(ManyProblems.class)).contains("@Retries(99)")
			.contains("is not kebab-case")
			.contains("@Timeouts(start) = \"x\"");
	}

	static class DataWithoutAnnotation {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Data order, Step step) {
		}

	}

	static class TooManyRetries {

		@InngestFunction(id = "fn", event = "e/x")
		@Retries(21)
		void fn(Event event) {
		}

	}

	static class NegativeRetries {

		@InngestFunction(id = "fn", event = "e/x")
		@Retries(-1)
		void fn(Event event) {
		}

	}

	static class LongId {

		@InngestFunction(
				id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
				event = "e/x")
		void fn(Event event) {
		}

	}

	static class LongEventNames {

		@InngestFunction(id = "fn",
				event = "e/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
		@CancelOn(
				event = "e/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
		void fn(Event event) {
		}

	}

	static class WildcardCancel {

		@InngestFunction(id = "fn", event = "orders/placed")
		@CancelOn(event = "orders/*")
		void fn(Event event) {
		}

	}

	static class BadId {

		@InngestFunction(id = "Process_Order", event = "e/x")
		void fn(Event event) {
		}

	}

	static class NoTrigger {

		@InngestFunction(id = "fn")
		void fn(Event event) {
		}

	}

	static class BadCron {

		@InngestFunction(id = "fn", cron = "61 * * * *")
		void fn(Event event) {
		}

	}

	static class MisplacedWildcard {

		@InngestFunction(id = "fn", event = "app*")
		void fn(Event event) {
		}

	}

	static class LastDayCron {

		@InngestFunction(id = "fn", cron = "0 0 L * *")
		void fn(Event event) {
		}

	}

	static class BadCondition {

		@InngestFunction(id = "fn", event = "e/x", condition = "event.data.amount >")
		void fn(Event event) {
		}

	}

	static class BadTimeouts {

		@InngestFunction(id = "fn", event = "e/x")
		@Timeouts(start = "5 minutes", finish = "1y")
		void fn(Event event) {
		}

	}

	static class BadCancelMatch {

		@InngestFunction(id = "fn", event = "e/x")
		@CancelOn(event = "shop/order.cancelled", match = "orderId")
		void fn(Event event) {
		}

	}

	static class SixCancelRules {

		@InngestFunction(id = "fn", event = "e/x")
		@CancelOn(event = "e/one")
		@CancelOn(event = "e/two")
		@CancelOn(event = "e/three")
		@CancelOn(event = "e/four")
		@CancelOn(event = "e/five")
		@CancelOn(event = "e/six")
		void fn(Event event) {
		}

	}

	static class BadCancelRule {

		@InngestFunction(id = "fn", event = "e/x")
		@CancelOn(event = "shop/order.cancelled", condition = "async.data.id ==", timeout = "soon")
		void fn(Event event) {
		}

	}

	static class UnresolvableParameter {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event, String text) {
		}

	}

	record Data(String id) {
	}

	static class TwoEventData {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(@EventData Data one, @EventData Data two) {
		}

	}

	static class DuplicateIds {

		@InngestFunction(id = "same", event = "e/x")
		void one(Event event) {
		}

		@InngestFunction(id = "same", event = "e/y")
		void two(Event event) {
		}

	}

	static class OrphanHandler {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnFailure(function = "missing")
		void failed(Step step) {
		}

	}

	static class AmbiguousHandler {

		@InngestFunction(id = "one", event = "e/x")
		void one(Event event) {
		}

		@InngestFunction(id = "two", event = "e/y")
		void two(Event event) {
		}

		@OnFailure
		void failed(Step step) {
		}

	}

	static class OrphanCancellationHandler {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnCancel(function = "missing")
		void cancelled(Step step) {
		}

	}

	static class AmbiguousCancellationHandler {

		@InngestFunction(id = "one", event = "e/x")
		void one(Event event) {
		}

		@InngestFunction(id = "two", event = "e/y")
		void two(Event event) {
		}

		@OnCancel
		void cancelled(Step step) {
		}

	}

	static class TwoCancellationHandlers {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnCancel
		void first(Step step) {
		}

		@OnCancel(function = "fn")
		void second(Step step) {
		}

	}

	static class CancellationHandlerWithFailureContext {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnCancel
		void cancelled(FailureContext failure) {
		}

	}

	static class CancellationHandlerWithTooManyRetries {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@OnCancel
		@Retries(21)
		void cancelled(Step step) {
		}

	}

	static class CancellationHandlerIdTaken {

		@InngestFunction(id = "fn", event = "e/x")
		void fn(Event event) {
		}

		@InngestFunction(id = "fn-cancel", event = "e/y")
		void other(Event event) {
		}

		@OnCancel(function = "fn")
		void cancelled(Step step) {
		}

	}

	static class ManyProblems {

		@InngestFunction(id = "Bad Id", event = "e/x")
		@Retries(99)
		@Timeouts(start = "x")
		void fn(Event event) {
		}

	}

}
