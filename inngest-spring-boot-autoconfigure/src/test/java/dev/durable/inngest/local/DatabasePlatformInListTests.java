package dev.durable.inngest.local;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The values bound to an {@code IN} list: padded on H2 so that lists of up to a batch
 * share one statement text, as they are on PostgreSQL.
 */
class DatabasePlatformInListTests {

	@Test
	void h2PadsTheListToAMultipleOfTheBatchWithItsFirstValue() {
		assertThat(DatabasePlatform.H2.inList(List.of("a", "b", "c"), 4)).containsExactly("a", "b", "c", "a");
		assertThat(DatabasePlatform.H2.inList(List.of("a", "b", "c", "d", "e"), 4)).containsExactly("a", "b", "c", "d",
				"e", "a", "a", "a");
		assertThat(DatabasePlatform.H2.inList(List.of("a", "b"), 2)).containsExactly("a", "b");
	}

	@Test
	void postgresqlTakesTheValuesAsTheyAre() {
		assertThat(DatabasePlatform.POSTGRESQL.inList(List.of("a", "b", "c"), 4)).containsExactly("a", "b", "c");
	}

}
