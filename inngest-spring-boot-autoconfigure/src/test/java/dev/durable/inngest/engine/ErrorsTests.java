package dev.durable.inngest.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How values are quoted in error messages and messages in log lines.
 */
class ErrorsTests {

	@Test
	void aQuotedValueIsCutAfter100Characters() {
		assertThat(Errors.abbreviate("x".repeat(100))).isEqualTo("x".repeat(100));
		assertThat(Errors.abbreviate("x".repeat(101))).isEqualTo("x".repeat(100) + "... (101 characters)");
		assertThat(Errors.abbreviate(null)).isNull();
	}

	@Test
	void aLoggedMessageStaysOnOneLine() {
		assertThat(Errors.logged("card declined\n2026-12-07 INFO forged line\r\u0007"))
			.isEqualTo("card declined\\n2026-12-07 INFO forged line\\r\\u0007");
		assertThat(Errors.logged("tab\tkept")).isEqualTo("tab\\u0009kept");
	}

	@Test
	void aLoggedMessageIsCutAfter500Characters() {
		assertThat(Errors.logged("m".repeat(500))).isEqualTo("m".repeat(500));
		assertThat(Errors.logged("m".repeat(5000))).isEqualTo("m".repeat(500) + "... (5000 characters)");
	}

}
