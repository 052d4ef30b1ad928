package dev.durable.inngest;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reading the data of {@code inngest/function.failed} and
 * {@code inngest/function.cancelled}, as made and as they may arrive malformed.
 */
class SystemEventDataTests {

	private static final Event ORIGINAL = new Event("shop/order.placed", Map.of("orderId", "o-1"), Map.of(), "evt-1",
			1700000000000L, null);

	@Test
	void aFailedEventIsReadAsItWasMade() {
		ErrorInfo error = new ErrorInfo("IllegalStateException", "no stock", "at Shop.charge");
		Event event = FunctionFailedEvent.systemEvent(ORIGINAL, error, "shop-charge", "run-1");
		FunctionFailedEvent failed = FunctionFailedEvent.of(event);
		assertThat(failed.originalEvent()).isEqualTo(ORIGINAL);
		assertThat(failed.error()).isEqualTo(error);
		assertThat(failed.functionId()).isEqualTo("shop-charge");
		assertThat(failed.runId()).isEqualTo("run-1");
	}

	@Test
	void aFailedEventWithoutItsFunctionIdIsRefusedNamingTheEventAndTheField() {
		Map<String, Object> data = data();
		data.remove("function_id");
		assertThatExceptionOfType(NonRetriableException.class)
			.isThrownBy(() -> FunctionFailedEvent.of(failed(data, "sys-1")))
			.withMessage("The inngest/function.failed event 'sys-1' has no function_id in its data, which every "
					+ "inngest/function.failed system event carries; it cannot be read as one");
	}

	@Test
	void aRunIdThatIsNotTextIsRefusedAsMissing() {
		Map<String, Object> data = data();
		data.put("run_id", 42);
		assertThatExceptionOfType(NonRetriableException.class)
			.isThrownBy(() -> FunctionFailedEvent.of(failed(data, null)))
			.withMessage("The inngest/function.failed event has no run_id in its data, which every "
					+ "inngest/function.failed system event carries; it cannot be read as one");
	}

	@Test
	void aCancelledEventWithoutTheOriginalEventIsRefusedNamingTheField() {
		Map<String, Object> data = data();
		data.remove("event");
		Event event = new Event(FunctionCancelledEvent.NAME, data, null, "sys-2", 0, null);
		assertThatExceptionOfType(NonRetriableException.class).isThrownBy(() -> FunctionCancelledEvent.of(event))
			.withMessageContaining("'sys-2' has no event.name in its data");
	}

	@Test
	void anErrorWithoutANameIsNamedAsInngestNamesOne() {
		Map<String, Object> data = data();
		data.put("error", Map.of("message", "timed out"));
		FunctionFailedEvent failed = FunctionFailedEvent.of(failed(data, "sys-3"));
		assertThat(failed.error()).isEqualTo(new ErrorInfo("Error", "timed out", null));
		data.remove("error");
		assertThat(FunctionFailedEvent.of(failed(data, "sys-4")).error()).isEqualTo(new ErrorInfo("Error", null, null));
	}

	private static Map<String, Object> data() {
		return new HashMap<>(
				FunctionFailedEvent.systemEvent(ORIGINAL, new ErrorInfo("E", "m", null), "shop-charge", "run-1")
					.data());
	}

	private static Event failed(Map<String, Object> data, String id) {
		return new Event(FunctionFailedEvent.NAME, data, null, id, 0, null);
	}

}
