package dev.durable.inngest.remote;

import java.util.List;

import dev.durable.inngest.FailureContext;
import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.OnCancel;
import dev.durable.inngest.OnFailure;
import dev.durable.inngest.Retries;
import dev.durable.inngest.remote.FunctionConfigs.FunctionConfig;
import dev.durable.inngest.remote.FunctionConfigs.Trigger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sync configuration of functions where the official SDK's reference test does not
 * reach.
 */
class FunctionConfigsTests {

	private static FunctionConfig config(List<FunctionConfig> configs, String id) {
		return configs.stream().filter((config) -> config.id().equals(id)).findFirst().orElseThrow();
	}

	@Test
	void theRuntimeUrlKeepsTheServeUrlsOwnQueryAndEncodesTheFunctionId() {
		List<FunctionConfig> configs = FunctionConfigs.of("shop", "https://shop.example/api/inngest?region=eu",
				FunctionConfigsReferenceTests.registry(new Functions()));
		assertThat(config(configs, "shop-charge").steps().get("step").runtime().url())
			.isEqualTo("https://shop.example/api/inngest?region=eu&fnId=shop-charge&stepId=step");
	}

	@Test
	void theRuntimeUrlKeepsAnEncodedServeUrlAsItIsAndEncodesARawOne() {
		List<FunctionConfig> encoded = FunctionConfigs.of("shop", "https://shop.example/a%20b/api/inngest?q=x%26y",
				FunctionConfigsReferenceTests.registry(new Functions()));
		assertThat(config(encoded, "shop-charge").steps().get("step").runtime().url())
			.isEqualTo("https://shop.example/a%20b/api/inngest?q=x%26y&fnId=shop-charge&stepId=step");
		List<FunctionConfig> raw = FunctionConfigs.of("shop", "https://shop.example/a b/api/inngest",
				FunctionConfigsReferenceTests.registry(new Functions()));
		assertThat(config(raw, "shop-charge").steps().get("step").runtime().url())
			.isEqualTo("https://shop.example/a%20b/api/inngest?fnId=shop-charge&stepId=step");
	}

	@Test
	void aFunctionWithEventsAndCronsHasATriggerForEachAndTheConditionOnlyOnEvents() {
		List<FunctionConfig> configs = FunctionConfigs.of("shop", "http://localhost:8080/api/inngest",
				FunctionConfigsReferenceTests.registry(new Functions()));
		assertThat(config(configs, "shop-charge").triggers()).containsExactly(
				new Trigger("shop/order.placed", "event.data.total > 0", null),
				new Trigger("shop/order.retried", "event.data.total > 0", null), new Trigger(null, null, "0 0 * * *"));
	}

	@Test
	void aCronMacroIsSyncedAsItsFiveFieldsWhichInngestsParserTakes() {
		List<FunctionConfig> configs = FunctionConfigs.of("shop", "http://localhost:8080/api/inngest",
				FunctionConfigsReferenceTests.registry(new CronFunctions()));
		assertThat(config(configs, "shop-report").triggers()).containsExactly(
				new Trigger(null, null, "TZ=Europe/Paris 0 0 * * 0"), new Trigger(null, null, "30 6 * * MON-FRI"));
	}

	@Test
	void aCronInFormsThatInngestsParserReadsIsSyncedAsWritten() {
		List<FunctionConfig> configs = FunctionConfigs.of("shop", "http://localhost:8080/api/inngest",
				FunctionConfigsReferenceTests.registry(new CronFunctions()));
		assertThat(config(configs, "shop-tally").triggers())
			.containsExactly(new Trigger(null, null, "CRON_TZ=EST ?/15 1,,2 ? * *-3"));
	}

	@Test
	void aFailureHandlerIsAFunctionOfItsOwnTriggeredByTheFailuresOfItsFunction() {
		List<FunctionConfig> configs = FunctionConfigs.of("shop", "http://localhost:8080/api/inngest",
				FunctionConfigsReferenceTests.registry(new Functions()));
		FunctionConfig handler = config(configs, "shop-charge-failure");
		assertThat(handler.name()).isEqualTo("Charge (failure)");
		assertThat(handler.triggers())
			.containsExactly(new Trigger("inngest/function.failed", "event.data.function_id == 'shop-charge'", null));
		assertThat(handler.steps().get("step").retries().attempts()).isEqualTo(2);
	}

	@Test
	void aCancellationHandlerIsAFunctionOfItsOwnTriggeredByTheCancellationsOfItsFunction() {
		List<FunctionConfig> configs = FunctionConfigs.of("shop", "http://localhost:8080/api/inngest",
				FunctionConfigsReferenceTests.registry(new Functions()));
		FunctionConfig handler = config(configs, "shop-charge-cancel");
		assertThat(handler.name()).isEqualTo("Charge (cancellation handler)");
		assertThat(handler.triggers()).containsExactly(
				new Trigger("inngest/function.cancelled", "event.data.function_id == 'shop-charge'", null));
		assertThat(handler.steps().get("step").retries().attempts()).isEqualTo(1);
		assertThat(handler.cancel()).isNull();
	}

	@Test
	void absentPartsAreLeftOutRatherThanSentAsNull() {
		List<FunctionConfig> configs = FunctionConfigs.of("shop", "http://localhost:8080/api/inngest",
				FunctionConfigsReferenceTests.registry(new Functions()));
		String json = JsonMapper.shared().writeValueAsString(config(configs, "shop-charge-failure"));
		assertThat(json).doesNotContain("null")
			.doesNotContain("\"cancel\"")
			.doesNotContain("\"timeouts\"")
			.doesNotContain("\"cron\"");
	}

	static class CronFunctions {

		@InngestFunction(id = "report", cron = { "TZ=Europe/Paris @weekly", "30 6 * * MON-FRI" })
		void report() {
		}

		@InngestFunction(id = "tally", cron = " CRON_TZ=EST ?/15 1,,2 ? * *-3 ")
		void tally() {
		}

	}

	static class Functions {

		@InngestFunction(id = "charge", name = "Charge", event = { "shop/order.placed", "shop/order.retried" },
				cron = "@daily", condition = "event.data.total > 0")
		String charge() {
			return "charged";
		}

		@OnFailure(function = "charge")
		@Retries(2)
		void refund(FailureContext failure) {
		}

		@OnCancel(function = "charge")
		void release(FunctionCancelledEvent cancelled) {
		}

	}

}
