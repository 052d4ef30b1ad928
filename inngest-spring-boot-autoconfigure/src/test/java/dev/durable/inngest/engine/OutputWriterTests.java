package dev.durable.inngest.engine;

import dev.durable.inngest.NonRetriableException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a step's output too long for the limit is refused with.
 */
class OutputWriterTests {

	private final OutputWriter writer = new OutputWriter(new JsonCodec(JsonMapper.shared()), DataSize.ofBytes(10));

	@Test
	void aJavaValueTooLongIsNamedByItsType() {
		assertThatExceptionOfType(NonRetriableException.class)
			.isThrownBy(() -> this.writer.stepOutput("load", "x".repeat(20)))
			.withMessageStartingWith("Step 'load' returned 22 bytes of JSON (a java.lang.String), more than the limit");
	}

	@Test
	void jsonTooLongIsNotNamedByTheTypeThatHoldsIt() {
		assertThatExceptionOfType(NonRetriableException.class)
			.isThrownBy(() -> this.writer.stepOutput("load", JsonNodeFactory.instance.stringNode("x".repeat(20))))
			.withMessageStartingWith("Step 'load' returned 22 bytes of JSON, more than the limit of 10 bytes")
			.withMessageNotContaining("tools.jackson");
	}

}
