package dev.durable.inngest.function;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.support.CronExpression;

/**
 * A cron schedule in Inngest's syntax, parsed once.
 * <p>
 * An expression has the five standard fields {@code minute hour day-of-month month
 * day-of-week}, such as {@code 0 12 * * 5}, or is one of the macros {@code @yearly},
 * {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily}, {@code @midnight}
 * and {@code @hourly}. Either can be prefixed by a time zone of the IANA database, as in
 * {@code TZ=Europe/Paris 0 12 * * 5} or {@code CRON_TZ=Europe/Paris 0 12 * * 5}; without
 * one the schedule runs in UTC. The legacy names of the database are read with its
 * meaning ({@code EST} is five hours behind UTC all year, {@code EST5EDT} follows New
 * York's daylight saving time); {@code Local}, which Inngest's parser reads as the zone
 * of the machine it runs on, is refused. There is no seconds field.
 * <p>
 * Fields are read by Spring's {@link CronExpression}, in the part of its syntax that
 * Inngest's parser shares: ranges, lists, steps, month and day names ({@code JAN},
 * {@code FRI}), and {@code 0} for Sunday, with the steps of the days of the week counted
 * over Sunday to Saturday as Inngest's parser counts them ({@code *}{@code /2} is Sunday,
 * Tuesday, Thursday and Saturday). As in Inngest's parser, {@code ?} is every value in
 * any field, a range that starts with {@code *} or {@code ?} is every value, whatever
 * follows its {@code -} ({@code *-5} is {@code *}, {@code *-5/2} is {@code *}{@code /2}),
 * a single value with a step runs to the end of the field ({@code 5/15} in the minutes is
 * {@code 5-59/15}), and empty items of a list are skipped ({@code 1,,2} is {@code 1,2}; a
 * field of commas alone has no values, and the schedule never fires unless it is a day
 * field and the other restricts the days). Spring's {@code L}, {@code W} and {@code #} in
 * the day fields ({@code 0 0 L * *}, {@code 0 0 15W * *}, {@code 0 0 * * 5#2}), and its
 * {@code 7} for Sunday ({@code 0 0 * * 7}, {@code MON-SUN}) are refused, since Inngest
 * would refuse the same function when it is synced in remote mode. Macros, which Inngest
 * does not take, are synced as their five fields ({@link #inngestExpression()}). As in
 * Inngest (and Vixie cron), and unlike Spring, a schedule that restricts both the day of
 * the month and the day of the week fires on the days that match either
 * ({@code 0 0 13 * FRI}: every 13th and every Friday); one that leaves either open
 * ({@code *} or {@code ?}) fires on the days that match the other.
 * <p>
 * Instances are immutable and thread-safe.
 */
public final class CronSchedule {

	private static final String TIME_ZONE_PREFIX = "TZ=";

	/** The other prefix of a time zone that Inngest's parser reads. */
	private static final String CRON_TIME_ZONE_PREFIX = "CRON_TZ=";

	/**
	 * The macros, in the order an error lists them, each with its five fields, as
	 * Inngest's parser, which takes no macros, reads them.
	 */
	private static final Map<String, String> MACROS = macros();

	/**
	 * Inngest's day-of-week names, numbered as its parser numbers them: Sunday is 0 only.
	 */
	private static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

	private static final String FIELDS = "minute hour day-of-month month day-of-week";

	/**
	 * The zones of the IANA database that Java's own copy leaves out, with the meaning
	 * the database gives them: EST, MST and HST keep one offset all year, and ROC is
	 * Asia/Taipei.
	 */
	private static final Map<String, ZoneId> LEGACY_ZONES = Map.of("EST", ZoneOffset.ofHours(-5), "MST",
			ZoneOffset.ofHours(-7), "HST", ZoneOffset.ofHours(-10), "ROC", ZoneId.of("Asia/Taipei"));

	/** The name Go gives the zone of the machine it runs on, which names no zone. */
	private static final String LOCAL_ZONE = "Local";

	private final String expression;

	private final String inngestExpression;

	private final ZoneId zone;

	/**
	 * The schedule, or its day-of-month and day-of-week halves, whichever fires first.
	 */
	private final List<CronExpression> crons;

	private CronSchedule(String expression, String inngestExpression, ZoneId zone, List<CronExpression> crons) {
		this.expression = expression;
		this.inngestExpression = inngestExpression;
		this.zone = zone;
		this.crons = crons;
	}

	/**
	 * Parses an Inngest cron expression. <pre class="code">
	 * CronSchedule.parse("*&#47;15 * * * *");
	 * CronSchedule.parse("TZ=Europe/Paris 0 12 * * 5");
	 * CronSchedule.parse("@daily");
	 * </pre>
	 * @param expression five cron fields or a macro, optionally prefixed by
	 * {@code TZ=<zone-id> }
	 * @return the schedule
	 * @throws IllegalArgumentException if the expression is {@code null} or blank, names
	 * an unknown time zone or macro, does not have exactly five fields, or has an invalid
	 * field or one in a form Inngest does not accept ({@code L}, {@code W}, {@code #});
	 * the message names the expression and the reason
	 */
	public static CronSchedule parse(String expression) {
		if (expression == null) {
			throw new IllegalArgumentException("Invalid cron expression: no expression given; expected five fields ("
					+ FIELDS + ") or a macro such as @daily");
		}
		String schedule = expression.trim();
		ZoneId zone = ZoneOffset.UTC;
		String zonePrefix = "";
		String prefix = schedule.startsWith(TIME_ZONE_PREFIX) ? TIME_ZONE_PREFIX
				: schedule.startsWith(CRON_TIME_ZONE_PREFIX) ? CRON_TIME_ZONE_PREFIX : null;
		if (prefix != null) {
			int end = indexOfWhitespace(schedule);
			String zoneId = schedule.substring(prefix.length(), (end != -1) ? end : schedule.length());
			zone = zone(expression, prefix, zoneId);
			zonePrefix = prefix + zoneId + " ";
			schedule = (end != -1) ? schedule.substring(end).trim() : "";
		}
		List<CronExpression> crons = cron(expression, schedule);
		String inngestExpression = schedule.startsWith("@") ? zonePrefix + MACROS.get(schedule.toLowerCase(Locale.ROOT))
				: expression.trim();
		return new CronSchedule(expression, inngestExpression, zone, crons);
	}

	/**
	 * The original text of this schedule, as given to {@link #parse(String)}.
	 * @return the expression
	 */
	public String expression() {
		return this.expression;
	}

	/**
	 * This schedule as Inngest's parser reads it, to sync it: the expression, with a
	 * macro written as its five fields ({@code @daily} as {@code 0 0 * * *}), as Inngest
	 * takes no macros.
	 * @return the expression in five fields, with its time zone if it has one
	 */
	public String inngestExpression() {
		return this.inngestExpression;
	}

	/**
	 * Whether this schedule is a macro, such as {@code @daily}, which Inngest's parser
	 * does not take.
	 * @return whether it is a macro
	 */
	public boolean isMacro() {
		// Parsed, an expression holds an @ only as a macro's first character.
		return this.expression.indexOf('@') >= 0;
	}

	/**
	 * The next time this schedule fires strictly after an instant, computed in the
	 * schedule's time zone.
	 * @param after the instant to start from
	 * @return the next fire time, later than {@code after}, or {@code null} if the
	 * schedule never fires again (such as {@code 0 0 30 2 *})
	 * @throws IllegalArgumentException if {@code after} is {@code null}
	 */
	public @Nullable Instant next(Instant after) {
		if (after == null) {
			throw new IllegalArgumentException("The instant to compute the next fire time after must not be null");
		}
		ZonedDateTime from = after.atZone(this.zone);
		return this.crons.stream()
			.map((cron) -> cron.next(from))
			.filter(Objects::nonNull)
			.map(ZonedDateTime::toInstant)
			.min(Comparator.naturalOrder())
			.orElse(null);
	}

	/**
	 * Two schedules are equal when their {@link #expression() expressions} are.
	 */
	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof CronSchedule schedule && this.expression.equals(schedule.expression));
	}

	@Override
	public int hashCode() {
		return this.expression.hashCode();
	}

	/**
	 * The original text of this schedule.
	 * @return the expression
	 */
	@Override
	public String toString() {
		return this.expression;
	}

	/**
	 * The time zone of a schedule, a region of the IANA time zone database, which
	 * Inngest's parser reads: not an offset such as {@code +02:00} or {@code UTC+2},
	 * which Java reads and Inngest's parser does not. Its legacy names, such as
	 * {@code EST}, are read as the database reads them; {@code Local}, which Inngest's
	 * parser reads as the zone of the machine it runs on, is refused.
	 */
	private static ZoneId zone(String expression, String prefix, String zoneId) {
		if (zoneId.isEmpty()) {
			throw invalid(expression, "the time zone after " + prefix + " is missing, such as TZ=Europe/Paris");
		}
		ZoneId legacy = LEGACY_ZONES.get(zoneId);
		if (legacy != null) {
			return legacy;
		}
		if (zoneId.equals(LOCAL_ZONE)) {
			throw invalid(expression,
					"the time zone '" + LOCAL_ZONE + "' is the zone of the machine that reads the "
							+ "schedule, which Inngest's servers and this application do not share; name the zone, "
							+ "such as TZ=Europe/Paris");
		}
		try {
			ZoneId zone = ZoneId.of(zoneId);
			if (!ZoneId.getAvailableZoneIds().contains(zoneId) || zoneId.startsWith("SystemV/")) {
				throw new DateTimeException("Not a region of the IANA time zone database: " + zoneId);
			}
			return zone;
		}
		catch (DateTimeException ex) {
			throw new IllegalArgumentException("Invalid cron expression '" + expression + "': unknown time zone '"
					+ zoneId + "', expected a zone id such as Europe/Paris, America/New_York or UTC", ex);
		}
	}

	private static List<CronExpression> cron(String expression, String schedule) {
		if (schedule.isEmpty()) {
			throw invalid(expression, "expected five fields (" + FIELDS + ") or a macro such as @daily");
		}
		String[] fields = schedule.split("\\s+");
		if (schedule.startsWith("@")) {
			if (fields.length != 1 || !MACROS.containsKey(fields[0].toLowerCase(Locale.ROOT))) {
				throw invalid(expression,
						"unknown macro '" + schedule + "', expected one of " + String.join(", ", MACROS.keySet()));
			}
			return List.of(parse(expression, fields[0]));
		}
		if (fields.length != 5) {
			throw invalid(expression, "expected five fields (" + FIELDS + ") but found " + fields.length
					+ ((fields.length == 6) ? "; a seconds field is not supported" : ""));
		}
		return fields(expression, fields);
	}

	/**
	 * The crons of five fields, each first read as Inngest's parser reads it
	 * ({@link #asInngestReads(String)}). A field without values, such as {@code ,},
	 * matches no time: the schedule never fires, unless it is a day field and the other
	 * day field restricts the days, which are then that field's alone, as Inngest's
	 * parser keeps the days that match either field when neither is every day.
	 */
	private static List<CronExpression> fields(String expression, String[] written) {
		String[] fields = new String[5];
		for (int i = 0; i < 5; i++) {
			fields[i] = asInngestReads(written[i]);
		}
		boolean fires = !fields[0].isEmpty() && !fields[1].isEmpty() && !fields[3].isEmpty()
				&& someDayMatches(fields[2], fields[4]);
		for (int i = 0; i < 5; i++) {
			// A field without values is read as every value, so that the others are
			// still checked.
			fields[i] = fields[i].isEmpty() ? "*" : fields[i];
		}
		refuseSpringOnlyDayForms(expression, written[2], written[4], fields[2], fields[4]);
		List<CronExpression> crons;
		if (restricts(fields[2]) && restricts(fields[4])) {
			// Spring would fire only on the days that match both fields: each half fires
			// on the days of one, and the schedule on whichever comes first.
			String[] byDayOfMonth = fields.clone();
			byDayOfMonth[4] = "*";
			String[] byDayOfWeek = fields.clone();
			byDayOfWeek[2] = "*";
			byDayOfWeek[4] = daysOfWeek(fields[4]);
			crons = List.of(parse(expression, "0 " + String.join(" ", byDayOfMonth)),
					parse(expression, "0 " + String.join(" ", byDayOfWeek)));
		}
		else {
			fields[4] = daysOfWeek(fields[4]);
			crons = List.of(parse(expression, "0 " + String.join(" ", fields)));
		}
		return fires ? crons : List.of();
	}

	/**
	 * Whether some day matches the day fields as Inngest's parser reads them, when either
	 * may be without values. One without values restricts the days to none, so that the
	 * days are the other's if it restricts them as well, and none if it is every day or
	 * also without values.
	 */
	private static boolean someDayMatches(String dayOfMonth, String dayOfWeek) {
		if (!dayOfMonth.isEmpty() && !dayOfWeek.isEmpty()) {
			return true;
		}
		String other = dayOfMonth.isEmpty() ? dayOfWeek : dayOfMonth;
		return !other.isEmpty() && restricts(other);
	}

	/**
	 * A field as Inngest's parser reads it, for Spring's parser: without the empty items
	 * of its list ({@code 1,,2} is {@code 1,2}, and {@code ,} is empty), and with an item
	 * whose range starts with {@code *} or {@code ?} written {@code *}, with its step if
	 * it has one, as Inngest's parser reads every value there and skips the rest of the
	 * range ({@code ?} and {@code *-5} are {@code *}, and {@code *-5/2} is
	 * {@code *}{@code /2}).
	 */
	private static String asInngestReads(String field) {
		List<String> items = new ArrayList<>();
		for (String item : field.split(",")) {
			if (item.isEmpty()) {
				continue;
			}
			int slash = item.indexOf('/');
			String range = (slash != -1) ? item.substring(0, slash) : item;
			int dash = range.indexOf('-');
			String low = (dash != -1) ? range.substring(0, dash) : range;
			boolean every = low.equals("*") || low.equals("?");
			items.add(every ? "*" + ((slash != -1) ? item.substring(slash) : "") : item);
		}
		return String.join(",", items);
	}

	/**
	 * Refuses the day forms that Spring's parser reads and Inngest's does not, so that a
	 * schedule accepted here is also accepted when the function is synced to Inngest.
	 * Spring reads them in upper case; no month or day name contains them. The fields are
	 * checked as Inngest's parser reads them ({@code *-L} is every day) and named in the
	 * errors as written.
	 */
	private static void refuseSpringOnlyDayForms(String expression, String dayOfMonth, String dayOfWeek,
			String readDayOfMonth, String readDayOfWeek) {
		String days = readDayOfMonth.toUpperCase(Locale.ROOT);
		if (days.contains("L")) {
			throw springOnly(expression, "day-of-month", dayOfMonth, "L (the last day of the month)");
		}
		if (days.contains("W")) {
			throw springOnly(expression, "day-of-month", dayOfMonth, "W (the nearest weekday)");
		}
		String weekdays = readDayOfWeek.toUpperCase(Locale.ROOT);
		if (weekdays.contains("L")) {
			throw springOnly(expression, "day-of-week", dayOfWeek, "L (the last such day of the month)");
		}
		if (weekdays.contains("#")) {
			throw springOnly(expression, "day-of-week", dayOfWeek, "# (the nth such day of the month)");
		}
		for (Item item : Item.of(readDayOfWeek)) {
			if (item.everyValue()) {
				continue;
			}
			int first = day(item.first());
			int last = (item.last() != null) ? day(item.last()) : first;
			if (first == 7 || last == 7) {
				throw invalid(expression,
						"the day-of-week field '" + dayOfWeek + "' uses 7 for Sunday, which "
								+ "Inngest's cron syntax does not accept: its days are 0 to 6, Sunday to Saturday; "
								+ "write 0 or SUN for Sunday");
			}
			if (first > last && last >= 0) {
				throw invalid(expression,
						"the day-of-week range '" + item.range() + "' in '" + dayOfWeek
								+ "' ends before it begins in Inngest's cron syntax, where Sunday is day 0; write "
								+ "Sunday apart, as in MON-SAT,SUN");
			}
		}
	}

	/**
	 * The day-of-week field with each stepped item written as the days Inngest's parser
	 * reads in it, for Spring's parser, whose steps count over other days: Spring's week
	 * runs from Monday to Sunday (1 to 7) and Inngest's from Sunday to Saturday (0 to 6),
	 * so that {@code *}{@code /2} is Monday, Wednesday, Friday and Sunday to Spring and
	 * Sunday, Tuesday, Thursday and Saturday to Inngest, and {@code 5/1}, from Friday to
	 * the end of the week, takes in Sunday in Spring's week only. Items without a step,
	 * and those neither parser reads, are left as they are, for Spring's parser to read
	 * or report.
	 */
	private static String daysOfWeek(String dayOfWeek) {
		List<String> days = new ArrayList<>();
		for (Item item : Item.of(dayOfWeek)) {
			int step = (item.step() != null) ? number(item.step()) : -1;
			int first = item.everyValue() ? 0 : day(item.first());
			// As in Inngest's parser, a single day with a step runs to the end of the
			// week.
			int last = (item.everyValue() || item.last() == null) ? 6 : day(item.last());
			if (step < 1 || first < 0 || last < first || last > 6) {
				days.add(item.text());
				continue;
			}
			for (int day = first; day <= last; day += step) {
				days.add(Integer.toString(day));
			}
		}
		return String.join(",", days);
	}

	private static int number(String text) {
		try {
			return Integer.parseInt(text);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * A day of the week as Inngest's parser numbers it, from 0 for Sunday, or {@code -1}
	 * for what it is not (which Spring's parser then reports).
	 */
	private static int day(String day) {
		int named = DAY_NAMES.indexOf(day);
		if (named >= 0) {
			return named;
		}
		return number(day);
	}

	private static IllegalArgumentException springOnly(String expression, String field, String value, String form) {
		return invalid(expression, "the " + field + " field '" + value + "' uses " + form
				+ ", which Inngest's cron syntax does not accept; use ranges, lists and steps of days instead");
	}

	/**
	 * Whether a day field restricts the days, as Inngest's parser reads it: unless one of
	 * its items is every day, whether written {@code *}, {@code ?} or
	 * {@code *}{@code /1}, which makes the whole field so ({@code *,15} as well). A field
	 * without values restricts the days to none.
	 */
	private static boolean restricts(String dayField) {
		for (Item item : Item.of(dayField)) {
			if (item.everyValue() && (item.step() == null || number(item.step()) == 1)) {
				return false;
			}
		}
		return true;
	}

	private static Map<String, String> macros() {
		Map<String, String> macros = new LinkedHashMap<>();
		macros.put("@yearly", "0 0 1 1 *");
		macros.put("@annually", "0 0 1 1 *");
		macros.put("@monthly", "0 0 1 * *");
		macros.put("@weekly", "0 0 * * 0");
		macros.put("@daily", "0 0 * * *");
		macros.put("@midnight", "0 0 * * *");
		macros.put("@hourly", "0 * * * *");
		return Collections.unmodifiableMap(macros);
	}

	private static CronExpression parse(String expression, String springExpression) {
		try {
			return CronExpression.parse(springExpression);
		}
		catch (IllegalArgumentException ex) {
			String reason = (ex.getCause() != null && ex.getCause().getMessage() != null) ? ex.getCause().getMessage()
					: ex.getMessage();
			throw new IllegalArgumentException("Invalid cron expression '" + expression + "': " + reason, ex);
		}
	}

	private static int indexOfWhitespace(String text) {
		for (int i = 0; i < text.length(); i++) {
			if (Character.isWhitespace(text.charAt(i))) {
				return i;
			}
		}
		return -1;
	}

	private static IllegalArgumentException invalid(String expression, String reason) {
		return new IllegalArgumentException("Invalid cron expression '" + expression + "': " + reason);
	}

	/**
	 * One item of a field's list, read once for the checks and rewrites of the day
	 * fields: a value or a range, {@code *} or {@code ?} for every value, and its step.
	 *
	 * @param text the item as written
	 * @param first its value, or the start of its range, in upper case
	 * @param last the end of its range, in upper case, or {@code null}
	 * @param step its step, or {@code null}
	 */
	private record Item(String text, String first, @Nullable String last, @Nullable String step) {

		static List<Item> of(String field) {
			List<Item> items = new ArrayList<>();
			for (String text : field.split(",")) {
				if (text.isEmpty()) {
					continue;
				}
				String[] rangeAndStep = text.toUpperCase(Locale.ROOT).split("/", 2);
				String[] ends = rangeAndStep[0].split("-", 2);
				items.add(new Item(text, ends[0], (ends.length > 1) ? ends[1] : null,
						(rangeAndStep.length > 1) ? rangeAndStep[1] : null));
			}
			return items;
		}

		boolean everyValue() {
			return this.first.equals("*") || this.first.equals("?");
		}

		String range() {
			return (this.last != null) ? this.first + "-" + this.last : this.first;
		}

	}

}
