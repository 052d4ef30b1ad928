package dev.durable.inngest.function;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CronSchedule}.
 */
class CronScheduleTest {

	private static final Instant NEW_YEAR = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void fiveFieldsAreMinuteHourDayOfMonthMonthAndDayOfWeek() {
		CronSchedule schedule = CronSchedule.parse("30 14 15 3 *");
		assertThat(schedule.next(NEW_YEAR)).isEqualTo("2026-03-15T14:30:00Z");
	}

	@Test
	void nextIsStrictlyAfterTheGivenInstant() {
		CronSchedule schedule = CronSchedule.parse("0 * * * *");
		assertThat(schedule.next(Instant.parse("2026-01-01T05:00:00Z"))).isEqualTo("2026-01-01T06:00:00Z");
		assertThat(schedule.next(Instant.parse("2026-01-01T04:59:59.999Z"))).isEqualTo("2026-01-01T05:00:00Z");
	}

	@Test
	void scheduleWithoutTimeZoneRunsInUtc() {
		assertThat(CronSchedule.parse("0 12 * * *").next(NEW_YEAR)).isEqualTo("2026-01-01T12:00:00Z");
	}

	@Test
	void timeZonePrefixSetsTheZoneOfTheFields() {
		CronSchedule schedule = CronSchedule.parse("TZ=Europe/Paris 0 12 * * 5");
		// 2026-01-02 is a Friday; Paris is UTC+1 in winter
		assertThat(schedule.next(NEW_YEAR)).isEqualTo("2026-01-02T11:00:00Z");
	}

	@Test
	void timeZoneFollowsDaylightSavingTime() {
		CronSchedule schedule = CronSchedule.parse("TZ=Europe/Paris 0 12 * * *");
		assertThat(schedule.next(Instant.parse("2026-07-01T00:00:00Z"))).isEqualTo("2026-07-01T10:00:00Z");
	}

	@Test
	void stepsRangesListsAndNamesAreSupported() {
		assertThat(CronSchedule.parse("*/15 * * * *").next(Instant.parse("2026-01-01T00:07:00Z")))
			.isEqualTo("2026-01-01T00:15:00Z");
		assertThat(CronSchedule.parse("0 9-17 * * MON-FRI").next(NEW_YEAR)).isEqualTo("2026-01-01T09:00:00Z");
		assertThat(CronSchedule.parse("0 0 1,15 * *").next(Instant.parse("2026-01-02T00:00:00Z")))
			.isEqualTo("2026-01-15T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 * JAN SUN").next(NEW_YEAR)).isEqualTo("2026-01-04T00:00:00Z");
	}

	@Test
	void scheduleThatRestrictsBothDayFieldsFiresOnDaysThatMatchEitherAsInngestDoes() {
		// 2026-01-02 is a Friday, 2026-01-13 a Tuesday.
		CronSchedule schedule = CronSchedule.parse("0 0 13 * FRI");
		assertThat(schedule.next(NEW_YEAR)).isEqualTo("2026-01-02T00:00:00Z");
		assertThat(schedule.next(Instant.parse("2026-01-10T00:00:00Z"))).isEqualTo("2026-01-13T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 */10 * MON").next(Instant.parse("2026-01-05T00:00:00Z")))
			.isEqualTo("2026-01-11T00:00:00Z");
	}

	@Test
	void scheduleThatLeavesEitherDayFieldOpenFiresOnDaysThatMatchBoth() {
		assertThat(CronSchedule.parse("0 0 * * FRI").next(NEW_YEAR)).isEqualTo("2026-01-02T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 13 * ?").next(NEW_YEAR)).isEqualTo("2026-01-13T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 13 2 *").next(NEW_YEAR)).isEqualTo("2026-02-13T00:00:00Z");
	}

	@Test
	void theExpressionGivenToInngestHasNoSpaceAroundIt() {
		CronSchedule schedule = CronSchedule.parse("  0 12 * * 5 ");
		assertThat(schedule.inngestExpression()).isEqualTo("0 12 * * 5");
		assertThat(schedule.expression()).isEqualTo("  0 12 * * 5 ");
		assertThat(schedule.isMacro()).isFalse();
	}

	@Test
	void sundayIsZeroOrSun() {
		assertThat(CronSchedule.parse("0 0 * * 0").next(NEW_YEAR)).isEqualTo("2026-01-04T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 * * sun").next(NEW_YEAR)).isEqualTo("2026-01-04T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 * * SUN-SAT/6").next(NEW_YEAR)).isEqualTo("2026-01-03T00:00:00Z");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			*/2       | SUNDAY, TUESDAY, THURSDAY, SATURDAY
			?/2       | SUNDAY, TUESDAY, THURSDAY, SATURDAY
			0/2       | SUNDAY, TUESDAY, THURSDAY, SATURDAY
			SUN/2     | SUNDAY, TUESDAY, THURSDAY, SATURDAY
			1/2       | MONDAY, WEDNESDAY, FRIDAY
			mon/2     | MONDAY, WEDNESDAY, FRIDAY
			5/1       | FRIDAY, SATURDAY
			SAT/1     | SATURDAY
			1-5/2     | MONDAY, WEDNESDAY, FRIDAY
			SUN-SAT/3 | SUNDAY, WEDNESDAY, SATURDAY
			*/3,1     | SUNDAY, MONDAY, WEDNESDAY, SATURDAY
			*-3/2     | SUNDAY, TUESDAY, THURSDAY, SATURDAY
			?-6/3     | SUNDAY, WEDNESDAY, SATURDAY
			1,,3      | MONDAY, WEDNESDAY
			',5'      | FRIDAY
			'SAT,'    | SATURDAY
			""")
	void stepsOfDaysOfTheWeekCountOverSundayToSaturdayAsInngestsParserDoes(String days, String fires) {
		List<DayOfWeek> expected = Arrays.stream(fires.split(",\\s*")).map(DayOfWeek::valueOf).toList();
		assertThat(daysFiredInAWeek("0 0 * * " + days)).isEqualTo(expected);
		// Also when the day of the month is restricted, in no day of that week.
		assertThat(daysFiredInAWeek("0 0 31 * " + days)).isEqualTo(expected);
	}

	@Test
	void dayFieldWithAnItemOfEveryDayLeavesTheDaysToTheOtherFieldAsInngestsParserDoes() {
		// 2026-01-05 is the first Monday after New Year's Day, a Thursday.
		assertThat(CronSchedule.parse("0 0 *,15 * MON").next(NEW_YEAR)).isEqualTo("2026-01-05T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 13 * */1,FRI").next(NEW_YEAR)).isEqualTo("2026-01-13T00:00:00Z");
	}

	/** The days a schedule fires in the week from Sunday 2026-01-04, in order. */
	private static List<DayOfWeek> daysFiredInAWeek(String expression) {
		CronSchedule schedule = CronSchedule.parse(expression);
		Instant sunday = Instant.parse("2026-01-04T00:00:00Z");
		List<DayOfWeek> days = new ArrayList<>();
		for (Instant next = schedule.next(sunday.minusSeconds(1)); next != null
				&& next.isBefore(sunday.plus(Duration.ofDays(7))); next = schedule.next(next)) {
			days.add(next.atZone(ZoneOffset.UTC).getDayOfWeek());
		}
		return days;
	}

	@ParameterizedTest
	@ValueSource(strings = { "0 0 * * 7", "0 0 * * 1,7", "0 0 * * 5-7", "0 0 * * 0-7/2", "TZ=Europe/Paris 0 0 * * 7" })
	void sevenForSundayIsRefusedAsInngestRefusesIt(String expression) {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse(expression))
			.withMessageStartingWith("Invalid cron expression '" + expression + "': the day-of-week field '")
			.withMessageEndingWith("uses 7 for Sunday, which Inngest's cron syntax does not accept: its days are "
					+ "0 to 6, Sunday to Saturday; write 0 or SUN for Sunday");
	}

	@Test
	void rangeThatEndsOnSundayIsRefusedAsInngestNumbersSundayZero() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 9 * * MON-SUN"))
			.withMessage("Invalid cron expression '0 9 * * MON-SUN': the day-of-week range 'MON-SUN' in 'MON-SUN' "
					+ "ends before it begins in Inngest's cron syntax, where Sunday is day 0; write Sunday apart, "
					+ "as in MON-SAT,SUN");
		assertThat(CronSchedule.parse("0 9 * * MON-SAT,SUN").next(NEW_YEAR)).isEqualTo("2026-01-01T09:00:00Z");
	}

	@ParameterizedTest
	@CsvSource({ "@yearly, 0 0 1 1 *", "@annually, 0 0 1 1 *", "@monthly, 0 0 1 * *", "@weekly, 0 0 * * 0",
			"@daily, 0 0 * * *", "@midnight, 0 0 * * *", "@HOURLY, 0 * * * *",
			"TZ=Asia/Tokyo @daily, TZ=Asia/Tokyo 0 0 * * *", "0 12 * * 5, 0 12 * * 5",
			"TZ=Europe/Paris  0 12 * * 5, TZ=Europe/Paris  0 12 * * 5" })
	void macrosAreGivenToInngestAsTheirFiveFields(String expression, String inngest) {
		CronSchedule schedule = CronSchedule.parse(expression);
		assertThat(schedule.inngestExpression()).isEqualTo(inngest);
		assertThat(schedule.isMacro()).isEqualTo(!expression.equals(inngest));
		assertThat(schedule.expression()).isEqualTo(expression);
		Instant after = Instant.parse("2026-03-17T10:15:00Z");
		assertThat(CronSchedule.parse(inngest).next(after)).isEqualTo(schedule.next(after));
	}

	@ParameterizedTest
	@CsvSource({ "@yearly, 2027-01-01T00:00:00Z", "@annually, 2027-01-01T00:00:00Z", "@monthly, 2026-02-01T00:00:00Z",
			"@weekly, 2026-01-04T00:00:00Z", "@daily, 2026-01-02T00:00:00Z", "@midnight, 2026-01-02T00:00:00Z",
			"@hourly, 2026-01-01T01:00:00Z" })
	void macrosAreSupported(String macro, Instant next) {
		assertThat(CronSchedule.parse(macro).next(NEW_YEAR)).isEqualTo(next);
	}

	@Test
	void macroCanHaveATimeZone() {
		assertThat(CronSchedule.parse("TZ=America/New_York @daily").next(NEW_YEAR)).isEqualTo("2026-01-01T05:00:00Z");
	}

	@Test
	void scheduleThatNeverFiresHasNoNextTime() {
		assertThat(CronSchedule.parse("0 0 30 2 *").next(NEW_YEAR)).isNull();
	}

	@Test
	void expressionAndToStringAreTheOriginalText() {
		CronSchedule schedule = CronSchedule.parse("TZ=Europe/Paris 0 12 * * 5");
		assertThat(schedule.expression()).isEqualTo("TZ=Europe/Paris 0 12 * * 5");
		assertThat(schedule).hasToString("TZ=Europe/Paris 0 12 * * 5");
		assertThat(CronSchedule.parse("@daily").expression()).isEqualTo("@daily");
	}

	@Test
	void schedulesWithTheSameExpressionAreEqual() {
		assertThat(CronSchedule.parse("0 12 * * 5")).isEqualTo(CronSchedule.parse("0 12 * * 5"))
			.hasSameHashCodeAs(CronSchedule.parse("0 12 * * 5"))
			.isNotEqualTo(CronSchedule.parse("0 13 * * 5"));
	}

	@Test
	void sixFieldsWithSecondsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 0 12 * * 5"))
			.withMessage("Invalid cron expression '0 0 12 * * 5': expected five fields "
					+ "(minute hour day-of-month month day-of-week) but found 6; a seconds field is not supported");
	}

	@ParameterizedTest
	@ValueSource(strings = { "* * * *", "* * * * * * *", "", "   " })
	void wrongNumberOfFieldsIsRefused(String expression) {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse(expression))
			.withMessageStartingWith("Invalid cron expression '" + expression + "': expected five fields");
	}

	@Test
	void invalidFieldIsRefusedWithSpringsReason() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("61 * * * *"))
			.withMessageStartingWith("Invalid cron expression '61 * * * *': ")
			.withMessageContaining("MinuteOfHour")
			.withMessageContaining("61")
			.withCauseInstanceOf(IllegalArgumentException.class);
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("0 0 * * 8"))
			.withMessageStartingWith("Invalid cron expression '0 0 * * 8': ")
			.withMessageContaining("DayOfWeek");
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("*/0 * * * *"))
			.withMessageStartingWith("Invalid cron expression '*/0 * * * *': ");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			0 0 L * *       | the day-of-month field 'L' uses L (the last day of the month)
			0 0 L-3 * *     | the day-of-month field 'L-3' uses L (the last day of the month)
			0 0 LW * *      | the day-of-month field 'LW' uses L (the last day of the month)
			0 0 15W * *     | the day-of-month field '15W' uses W (the nearest weekday)
			0 0 1,15w * *   | the day-of-month field '1,15w' uses W (the nearest weekday)
			0 0 * * 5L      | the day-of-week field '5L' uses L (the last such day of the month)
			0 0 * * FRIl    | the day-of-week field 'FRIl' uses L (the last such day of the month)
			0 0 * * 5#2     | the day-of-week field '5#2' uses # (the nth such day of the month)
			0 0 ? * MON#1   | the day-of-week field 'MON#1' uses # (the nth such day of the month)
			""")
	void dayFormsThatOnlySpringReadsAreRefusedAsInngestRefusesThem(String expression, String reason) {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse(expression))
			.withMessage("Invalid cron expression '" + expression + "': " + reason
					+ ", which Inngest's cron syntax does not accept; use ranges, lists and steps of days instead");
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("TZ=Europe/Paris " + expression))
			.withMessageContaining(reason);
	}

	@Test
	void monthAndDayNamesThatContainTheLettersOfSpringsFormsAreStillRead() {
		assertThat(CronSchedule.parse("0 0 * JUL WED").next(NEW_YEAR)).isEqualTo("2026-07-01T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 1 APR,JUL *").next(NEW_YEAR)).isEqualTo("2026-04-01T00:00:00Z");
	}

	@Test
	void unknownTimeZoneIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("TZ=Mars/Olympus 0 12 * * 5"))
			.withMessageStartingWith(
					"Invalid cron expression 'TZ=Mars/Olympus 0 12 * * 5': unknown time zone " + "'Mars/Olympus'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "+02:00", "Z", "UTC+2", "GMT+02:00", "UT", "SystemV/EST5" })
	void timeZoneThatInngestsParserDoesNotReadIsRefused(String zone) {
		String expression = "TZ=" + zone + " 0 12 * * 5";
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse(expression))
			.withMessageStartingWith("Invalid cron expression '" + expression + "': unknown time zone '" + zone + "'");
	}

	@Test
	void cronTimeZonePrefixIsReadAsInngestsParserReadsIt() {
		CronSchedule schedule = CronSchedule.parse("CRON_TZ=Europe/Paris 0 12 * * 5");
		assertThat(schedule.next(NEW_YEAR)).isEqualTo("2026-01-02T11:00:00Z");
		assertThat(schedule.inngestExpression()).isEqualTo("CRON_TZ=Europe/Paris 0 12 * * 5");
		assertThat(CronSchedule.parse("CRON_TZ=Asia/Tokyo @daily").inngestExpression())
			.isEqualTo("CRON_TZ=Asia/Tokyo 0 0 * * *");
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("CRON_TZ= 0 12 * * 5"))
			.withMessage("Invalid cron expression 'CRON_TZ= 0 12 * * 5': the time zone after CRON_TZ= is missing, "
					+ "such as TZ=Europe/Paris");
	}

	@Test
	void timeZoneWithoutScheduleIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("TZ=Europe/Paris"))
			.withMessageStartingWith("Invalid cron expression 'TZ=Europe/Paris': expected five fields");
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("TZ= 0 12 * * 5"))
			.withMessage("Invalid cron expression 'TZ= 0 12 * * 5': the time zone after TZ= is missing, "
					+ "such as TZ=Europe/Paris");
	}

	@ParameterizedTest
	@ValueSource(strings = { "@every 5m", "@reboot", "@daily 0" })
	void unknownMacroIsRefused(String expression) {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse(expression))
			.withMessageStartingWith("Invalid cron expression '" + expression + "': unknown macro");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			? ? ? ? ?       | 2026-01-01T00:07:00Z | 2026-01-01T00:08:00Z
			?/15 * * * *    | 2026-01-01T00:07:00Z | 2026-01-01T00:15:00Z
			0 ?/6 * * *     | 2026-01-01T01:00:00Z | 2026-01-01T06:00:00Z
			0 0 1 ? *       | 2026-01-01T00:00:00Z | 2026-02-01T00:00:00Z
			0 0 1 ?/3 *     | 2026-01-01T00:00:00Z | 2026-04-01T00:00:00Z
			0 0 ?/10 * ?    | 2026-01-01T00:00:00Z | 2026-01-11T00:00:00Z
			""")
	void questionMarkIsEveryValueInAnyFieldAsInngestsParserReadsIt(String expression, Instant after, Instant next) {
		assertThat(CronSchedule.parse(expression).next(after)).isEqualTo(next);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			'1,,2 * * * *'   | 2026-01-01T00:01:00Z | 2026-01-01T00:02:00Z
			',5 * * * *'     | 2026-01-01T00:00:00Z | 2026-01-01T00:05:00Z
			'5, * * * *'     | 2026-01-01T00:00:00Z | 2026-01-01T00:05:00Z
			'0 0 1,,15 * *'  | 2026-01-02T00:00:00Z | 2026-01-15T00:00:00Z
			'0 0 * JAN,,JUN, *' | 2026-01-31T00:00:00Z | 2026-06-01T00:00:00Z
			'0 0 * * ,FRI,'  | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z
			'0 0 13 * ,,FRI' | 2026-01-03T00:00:00Z | 2026-01-09T00:00:00Z
			""")
	void emptyItemsOfAListAreSkippedAsInngestsParserSkipsThem(String expression, Instant after, Instant next) {
		assertThat(CronSchedule.parse(expression).next(after)).isEqualTo(next);
	}

	@Test
	void fieldOfCommasAloneHasNoValuesAsInngestsParserReadsIt() {
		// Without values a minute, an hour or a month never comes.
		assertThat(CronSchedule.parse(", * * * *").next(NEW_YEAR)).isNull();
		assertThat(CronSchedule.parse("0 ,, * * *").next(NEW_YEAR)).isNull();
		assertThat(CronSchedule.parse("0 0 * , *").next(NEW_YEAR)).isNull();
		// A day field without values restricts the days: with the other one open no
		// day matches both, and with the other one restricted the days are its own.
		assertThat(CronSchedule.parse("0 0 , * *").next(NEW_YEAR)).isNull();
		assertThat(CronSchedule.parse("0 0 * * ,").next(NEW_YEAR)).isNull();
		assertThat(CronSchedule.parse("0 0 , * ,").next(NEW_YEAR)).isNull();
		assertThat(CronSchedule.parse("0 0 , * MON").next(NEW_YEAR)).isEqualTo("2026-01-05T00:00:00Z");
		assertThat(CronSchedule.parse("0 0 13 * ,").next(NEW_YEAR)).isEqualTo("2026-01-13T00:00:00Z");
		// The other fields are still checked.
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse(", 99 * * *"))
			.withMessageStartingWith("Invalid cron expression ', 99 * * *': ");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			*-5 * * * *       | 2026-01-01T00:07:00Z | 2026-01-01T00:08:00Z
			?-5 * * * *       | 2026-01-01T00:07:00Z | 2026-01-01T00:08:00Z
			*-5/20 * * * *    | 2026-01-01T00:07:00Z | 2026-01-01T00:20:00Z
			*-x-y * * * *     | 2026-01-01T00:07:00Z | 2026-01-01T00:08:00Z
			0 *-3 * * *       | 2026-01-01T05:00:00Z | 2026-01-01T06:00:00Z
			0 0 *-L * *       | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z
			0 0 1 *-2 *       | 2026-01-01T00:00:00Z | 2026-02-01T00:00:00Z
			0 0 13 * *-3      | 2026-01-01T00:00:00Z | 2026-01-13T00:00:00Z
			0 0 13 * *-5#2    | 2026-01-01T00:00:00Z | 2026-01-13T00:00:00Z
			0 0 13 * *-3/1    | 2026-01-01T00:00:00Z | 2026-01-13T00:00:00Z
			0 0 13 * *-3/2    | 2026-01-01T00:00:00Z | 2026-01-03T00:00:00Z
			0 0 *-3/10 * FRI  | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z
			0 0 *-3/10 * FRI  | 2026-01-09T00:00:00Z | 2026-01-11T00:00:00Z
			""")
	void rangeFromEveryValueIsEveryValueAsInngestsParserReadsIt(String expression, Instant after, Instant next) {
		// As *, such a range leaves the days to the other day field (0 0 13 * *-3
		// fires on the 13th only); with a step above 1 it restricts them.
		assertThat(CronSchedule.parse(expression).next(after)).isEqualTo(next);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			5/15 * * * *  | 2026-01-01T00:06:00Z | 2026-01-01T00:20:00Z
			5/15 * * * *  | 2026-01-01T00:50:00Z | 2026-01-01T01:05:00Z
			0 5/6 * * *   | 2026-01-01T06:00:00Z | 2026-01-01T11:00:00Z
			0 5/6 * * *   | 2026-01-01T23:00:00Z | 2026-01-02T05:00:00Z
			0 0 10/10 * * | 2026-01-21T00:00:00Z | 2026-01-30T00:00:00Z
			0 0 1 2/5 *   | 2026-03-01T00:00:00Z | 2026-07-01T00:00:00Z
			0 0 1 2/5 *   | 2026-07-01T00:00:00Z | 2026-12-01T00:00:00Z
			""")
	void singleValueWithAStepRunsToTheEndOfTheFieldAsInngestsParserReadsIt(String expression, Instant after,
			Instant next) {
		assertThat(CronSchedule.parse(expression).next(after)).isEqualTo(next);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			EST       | 2026-01-01T17:00:00Z | 2026-07-01T17:00:00Z
			MST       | 2026-01-01T19:00:00Z | 2026-07-01T19:00:00Z
			HST       | 2026-01-01T22:00:00Z | 2026-07-01T22:00:00Z
			EST5EDT   | 2026-01-01T17:00:00Z | 2026-07-01T16:00:00Z
			CST6CDT   | 2026-01-01T18:00:00Z | 2026-07-01T17:00:00Z
			MST7MDT   | 2026-01-01T19:00:00Z | 2026-07-01T18:00:00Z
			PST8PDT   | 2026-01-01T20:00:00Z | 2026-07-01T19:00:00Z
			ROC       | 2026-01-01T04:00:00Z | 2026-07-01T04:00:00Z
			UTC       | 2026-01-01T12:00:00Z | 2026-07-01T12:00:00Z
			GMT       | 2026-01-01T12:00:00Z | 2026-07-01T12:00:00Z
			""")
	void legacyZonesOfTheTimeZoneDatabaseAreReadWithItsMeaning(String zone, Instant winter, Instant summer) {
		// EST, MST and HST have no daylight saving time: EST is not New York's time.
		for (String prefix : List.of("TZ=", "CRON_TZ=")) {
			CronSchedule schedule = CronSchedule.parse(prefix + zone + " 0 12 * * *");
			assertThat(schedule.next(Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo(winter);
			assertThat(schedule.next(Instant.parse("2026-07-01T00:00:00Z"))).isEqualTo(summer);
			assertThat(schedule.inngestExpression()).isEqualTo(prefix + zone + " 0 12 * * *");
		}
		assertThat(CronSchedule.parse("TZ=" + zone + " @daily").inngestExpression())
			.isEqualTo("TZ=" + zone + " 0 0 * * *");
	}

	@Test
	void localTimeZoneIsRefusedAsItNamesNoZone() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse("TZ=Local 0 12 * * 5"))
			.withMessage("Invalid cron expression 'TZ=Local 0 12 * * 5': the time zone 'Local' is the zone of "
					+ "the machine that reads the schedule, which Inngest's servers and this application do not "
					+ "share; name the zone, such as TZ=Europe/Paris");
	}

	@Test
	void expressionGivenToInngestKeepsTheFormsItsParserReads() {
		assertThat(CronSchedule.parse(" ?-5/20 1,,2 ? * *-3 ").inngestExpression()).isEqualTo("?-5/20 1,,2 ? * *-3");
	}

	@Test
	void nullIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CronSchedule.parse(null))
			.withMessageStartingWith("Invalid cron expression: no expression given");
	}

}
