package dev.durable.inngest.executor;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Telling the step an answer too long to read was carrying, and checking what a step
 * returned against Inngest's limit.
 */
class StepOutputLimitTests {

	private final StepOutputLimit limit = new StepOutputLimit(JsonMapper.builder().build());

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void anAnswerCutInAStepRunsOutputCarriesThatStep() {
		for (String data : new String[] { "\"xxxx", "{\"a\":[1,2", "12345", "[\"x\",\"xx" }) {
			JsonNode op = this.limit.cutStep(bytes("[{\"id\":\"abc\",\"op\":\"StepRun\",\"name\":\"big\","
					+ "\"displayName\":\"Big one\",\"data\":" + data));
			assertThat(op).as(data).isNotNull();
			assertThat(op.get("id").asString()).isEqualTo("abc");
			assertThat(op.get("displayName").asString()).isEqualTo("Big one");
			assertThat(op.has("data")).isFalse();
		}
	}

	@Test
	void anAnswerCutElsewhereCarriesNoStepToTell() {
		assertThat(this.limit.cutStep(bytes("[{\"id\":\"abc\",\"op\":\"StepRun\",\"data\":1},{\"id\":\"def\","
				+ "\"op\":\"StepRun\",\"data\":\"xxx")))
			.isNull();
		assertThat(this.limit.cutStep(bytes("[{\"id\":\"abc\",\"op\":\"StepRun\",\"data\":1,\"opts\":{\"a\":\"xx")))
			.isNull();
		assertThat(this.limit.cutStep(bytes("[{\"id\":\"abc\",\"op\":\"RunComplete\",\"data\":\"xxx"))).isNull();
		assertThat(this.limit.cutStep(bytes("[{\"op\":\"StepRun\",\"data\":\"xxx"))).isNull();
		assertThat(this.limit.cutStep(bytes("\"xxxx"))).isNull();
		assertThat(this.limit.cutStep(bytes("not json"))).isNull();
	}

	@Test
	void anOutputOverFourMebibytesIsAnErrorNamingTheStepItsSizeAndTheLimit() {
		StringNode output = StringNode.valueOf("x".repeat(StepOutputLimit.MAX_BYTES));
		assertThat(this.limit.check("big", output, StepOutputLimit.MAX_BYTES + 100)).satisfies((error) -> {
			assertThat(error.name()).isEqualTo("Error");
			assertThat(error.message()).isEqualTo("Step 'big' returned 4194306 bytes of JSON, more than 4194304 bytes "
					+ "(4 MiB), the most a step may return: step output size is greater than the limit. Store large "
					+ "data elsewhere and return a reference to it");
		});
		StringNode fits = StringNode.valueOf("x".repeat(StepOutputLimit.MAX_BYTES - 2));
		assertThat(this.limit.check("big", fits, StepOutputLimit.MAX_BYTES + 100)).isNull();
	}

}
