package dev.durable.inngest.engine.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import dev.durable.inngest.RunStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.withinPercentage;

/**
 * Tests for {@link LatencyHistogram}.
 */
class LatencyHistogramTests {

	@Test
	void percentilesAreWithinTheWidthOfABucketOfTheExactOnes() {
		Random random = new Random(42);
		for (int round = 0; round < 20; round++) {
			LatencyHistogram histogram = new LatencyHistogram();
			List<Double> values = new ArrayList<>();
			int count = 1 + random.nextInt(2000);
			for (int i = 0; i < count; i++) {
				// From a tenth of a millisecond to about three hours, spread over the
				// scale.
				double millis = Math.pow(10, -1 + random.nextDouble() * 8);
				values.add(millis);
				histogram.add(millis);
			}
			Collections.sort(values);
			for (double fraction : new double[] { 0.5, 0.9, 0.99 }) {
				assertThat(histogram.percentile(fraction)).as("p%s of %s values", fraction, count)
					.isCloseTo(exact(values, fraction), withinPercentage(2.3));
			}
		}
	}

	@Test
	void aLatencyUnderAMicrosecondCountsAsZero() {
		LatencyHistogram histogram = new LatencyHistogram();
		histogram.add(0);
		histogram.add(0.0004);
		histogram.add(-3);
		assertThat(histogram.latency()).isEqualTo(new RunStats.Latency(3, 0.0, 0.0, 0.0));
	}

	@Test
	void aLatencyOfYearsCountsInTheLastBucket() {
		LatencyHistogram histogram = new LatencyHistogram();
		histogram.add(1e15);
		histogram.add(1e16);
		assertThat(histogram.encode()).isEqualTo((LatencyHistogram.index(1e15)) + ":2");
	}

	@Test
	void noLatencyHasNoPercentiles() {
		assertThat(new LatencyHistogram().latency()).isEqualTo(RunStats.Latency.NONE);
		assertThat(new LatencyHistogram().encode()).isEmpty();
	}

	@Test
	void anEncodedHistogramReadsBackTheSame() {
		LatencyHistogram histogram = new LatencyHistogram();
		for (double millis : new double[] { 0, 0.25, 1, 1, 7.5, 250, 250, 86_400_000 }) {
			histogram.add(millis);
		}
		LatencyHistogram read = new LatencyHistogram();
		read.addEncoded(histogram.encode());
		assertThat(read).isEqualTo(histogram);
		assertThat(read.count()).isEqualTo(8);
		assertThat(read.latency()).isEqualTo(histogram.latency());
	}

	@Test
	void addingHistogramsCountsAsAddingTheirLatencies() {
		LatencyHistogram first = new LatencyHistogram();
		LatencyHistogram second = new LatencyHistogram();
		LatencyHistogram both = new LatencyHistogram();
		for (int i = 1; i <= 100; i++) {
			((i % 3 == 0) ? first : second).add(i * 1.5);
			both.add(i * 1.5);
		}
		LatencyHistogram sum = new LatencyHistogram();
		sum.add(first);
		sum.addEncoded(second.encode());
		assertThat(sum).isEqualTo(both);
		assertThat(sum.latency()).isEqualTo(both.latency());
	}

	@Test
	void somethingElseThanAnEncodedHistogramIsRefusedWithWhatItWas() {
		for (String wrong : new String[] { "12", "-1:3", "5:-2", "100000:1", "a:b" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> new LatencyHistogram().addEncoded(wrong))
				.withMessageContaining(wrong.split(":")[0]);
		}
	}

	private static double exact(List<Double> sorted, double fraction) {
		double rank = fraction * (sorted.size() - 1);
		int below = (int) Math.floor(rank);
		int above = (int) Math.ceil(rank);
		return sorted.get(below) + (sorted.get(above) - sorted.get(below)) * (rank - below);
	}

}
