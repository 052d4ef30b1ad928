package dev.durable.inngest.engine;

import java.util.ArrayList;
import java.util.List;

import dev.durable.inngest.engine.StepInterceptor.StepInvocation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several interceptors, chained in their order around the step's body.
 */
class StepInterceptorChainTests {

	private static final StepInvocation STEP = new StepInvocation("run-1", "fn", "charge", "charge", 0, String.class);

	private final List<String> calls = new ArrayList<>();

	private StepInterceptor recording(String name) {
		return (step, body) -> {
			this.calls.add(name + " before");
			Object value = body.call();
			this.calls.add(name + " after");
			return value;
		};
	}

	@Test
	void anInvocationMadeWithoutAStepTypeReadsItsValueAsAnObject() {
		assertThat(new StepInvocation("run-1", "fn", "charge", "charge", 0).type()).isEqualTo(Object.class);
	}

	@Test
	void eachInterceptorIsConsultedInOrderAroundTheNext() throws Exception {
		StepInterceptor chain = StepInterceptor.chain(List.of(recording("first"), recording("second")));
		Object value = chain.intercept(STEP, () -> {
			this.calls.add("body");
			return "ch-1";
		});
		assertThat(value).isEqualTo("ch-1");
		assertThat(this.calls).containsExactly("first before", "second before", "body", "second after", "first after");
	}

	@Test
	void anInterceptorThatAnswersItselfLeavesTheRestAndTheBodyUncalled() throws Exception {
		StepInterceptor answers = (step, body) -> "mocked";
		StepInterceptor chain = StepInterceptor.chain(List.of(answers, recording("second")));
		assertThat(chain.intercept(STEP, () -> {
			this.calls.add("body");
			return "real";
		})).isEqualTo("mocked");
		assertThat(this.calls).isEmpty();
	}

	@Test
	void noInterceptorIsNoChainAndOneIsItself() {
		StepInterceptor only = recording("only");
		assertThat(StepInterceptor.chain(List.of())).isNull();
		assertThat(StepInterceptor.chain(List.of(only))).isSameAs(only);
	}

}
