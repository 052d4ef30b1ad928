package dev.durable.inngest.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids sort by the time they are made of, so that a time range is also a range of ids.
 */
class IdsTests {

	private final Instant time = Instant.parse("2026-11-28T04:50:12.345678Z");

	private final Ids ids = new Ids(Clock.fixed(this.time, ZoneOffset.UTC));

	@Test
	void anIdIsAtLeastTheLowestOfItsMillisecondAndBelowTheLowestOfTheNext() {
		for (int i = 0; i < 1000; i++) {
			String id = this.ids.next(this.time);
			assertThat(id).hasSize(26)
				.isGreaterThanOrEqualTo(Ids.lowest(this.time))
				.isLessThan(Ids.lowest(this.time.plusMillis(1)));
		}
	}

	@Test
	void theLowestIdIsTheSameWithinAMillisecondAndGrowsWithTime() {
		// 1795841412345 ms since the epoch, in Crockford's base 32, then 80 bits of zero.
		assertThat(Ids.lowest(this.time)).isEqualTo("01M8G7TK7S" + "0".repeat(16))
			.isEqualTo(Ids.lowest(Instant.parse("2026-11-28T04:50:12.345999Z")));
		assertThat(Ids.lowest(this.time.minusMillis(1))).isLessThan(Ids.lowest(this.time));
		assertThat(Ids.lowest(this.time.plusSeconds(86_400L * 365 * 50))).isGreaterThan(Ids.lowest(this.time));
	}

	@Test
	void idsOfEarlierTimesSortFirstAndIdsOfOneTimeAreUnique() {
		List<String> made = new ArrayList<>();
		for (int ms = 0; ms < 50; ms++) {
			made.add(this.ids.next(this.time.plusMillis(ms)));
		}
		assertThat(made).isSorted();
		assertThat(new HashSet<>(made)).hasSize(made.size());
		assertThat(this.ids.next()).startsWith(this.ids.next(this.time).substring(0, 10));
	}

	@Test
	void idsOfOneMillisecondSortInTheOrderTheyWereMade() {
		List<String> made = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			made.add(this.ids.next(this.time));
		}
		assertThat(made).isSorted().doesNotHaveDuplicates();
		// A new millisecond draws new random bits.
		String later = this.ids.next(this.time.plusMillis(1));
		String again = this.ids.next(this.time);
		assertThat(later.substring(10)).isNotEqualTo(made.get(made.size() - 1).substring(10));
		assertThat(again.substring(10)).isNotIn(made.stream().map((id) -> id.substring(10)).toList());
	}

	@Test
	void idsMadeFromManyThreadsAtOnceAreUnique() throws Exception {
		List<String> made = Collections.synchronizedList(new ArrayList<>());
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread thread = new Thread(() -> {
				for (int i = 0; i < 5000; i++) {
					made.add(this.ids.next(this.time));
				}
			});
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(new HashSet<>(made)).hasSize(20_000);
	}

	@Test
	void aSeedGivesTheSameIdToTheSameIndexAndTheNextToTheNext() {
		String seed = "1796604661160,AAECAwQFBgcICQ==";
		assertThat(Ids.seeded(seed, 0)).isEqualTo(Ids.seeded(seed, 0)).hasSize(26);
		assertThat(Ids.seeded(seed, 0).substring(0, 10))
			.isEqualTo(Ids.lowest(Instant.ofEpochMilli(1796604661160L)).substring(0, 10));
		assertThat(Ids.seeded(seed, 1)).isGreaterThan(Ids.seeded(seed, 0));
		// The index is added to the last four random bytes, wrapping within them.
		assertThat(Ids.seeded("1796604661160,AAAAAAAA/////w==", 1))
			.isEqualTo(Ids.seeded("1796604661160,AAAAAAAAAAAAAA==", 0));
		assertThat(Ids.seeded("1796604661160,AAAAAAAAAAAAAA==", 5))
			.isEqualTo(Ids.seeded("1796604661160,AAAAAAAAAAAABQ==", 0));
	}

	@Test
	void aSeedThatIsNotOneGivesNoId() {
		assertThat(Ids.seeded("", 0)).isNull();
		assertThat(Ids.seeded("1796604661160", 0)).isNull();
		assertThat(Ids.seeded("soon,AAECAwQFBgcICQ==", 0)).isNull();
		assertThat(Ids.seeded("1796604661160,not base64!", 0)).isNull();
		assertThat(Ids.seeded("1796604661160,AAECAwQ=", 0)).isNull();
		assertThat(Ids.seeded("-1,AAECAwQFBgcICQ==", 0)).isNull();
		assertThat(Ids.seeded("0,AAECAwQFBgcICQ==", 0)).isNull();
	}

}
