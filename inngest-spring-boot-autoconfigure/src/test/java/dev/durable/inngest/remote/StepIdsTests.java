package dev.durable.inngest.remote;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Step ids on the wire, against the examples of Inngest's SDK protocol.
 */
class StepIdsTests {

	@Test
	void aStepsIdIsTheSha1OfItsKey() {
		assertThat(StepIds.hash("my-step-id")).isEqualTo("e7d8a2f140845095749d60246ff1110c9d01d76a");
		assertThat(StepIds.hash("reserve-stock")).isEqualTo("c3c77fbce7bd0d6d6ed264a1e6030ce7955ef935");
		assertThat(StepIds.hash("charge-card")).isEqualTo("b2ae8f272ea660900fca3aeefbd39695c43f5cc9");
		assertThat(StepIds.hash("wait-for-payment")).isEqualTo("5cb60a99e2e4e3944be0f5d63c9a6972d88db4e8");
		assertThat(StepIds.hash("cool-down")).isEqualTo("78996181bbc532f26c80face219b550a7ddcc79f");
		assertThat(StepIds.hash("first step")).isEqualTo("98bf98df193bcce7c33e6bc50927cf2ac21206cb");
		assertThat(StepIds.hash("sleep")).isEqualTo("c3ca5f787365eae0dea86250e27d476406956478");
		assertThat(StepIds.hash("wait")).isEqualTo("daaad336276d15594d0e765f96c17cd746bf4971");
	}

	@Test
	void aRepeatedStepsIdIsTheSha1OfItsKeyWithTheRepeat() {
		assertThat(StepIds.hash("reserve-stock:1")).isEqualTo("1f81b22e3619f3d652b0ec452eccfa74ba2ecd92");
		assertThat(StepIds.hash("reserve-stock:2")).isEqualTo("43b8f6b8018f0ca825bf3bbcc67f12975879b9b6");
	}

}
