package dev.durable.inngest.function;

import org.jspecify.annotations.Nullable;

/**
 * The event names a trigger matches, as Inngest matches them: the name itself, or, for a
 * name that ends with a {@code *} after a {@code /} or a {@code .}, every name that
 * starts with what precedes the {@code *}: {@code app/*} matches {@code app/user.created}
 * and {@code app/blog.post.published}, {@code app/user.*} matches
 * {@code app/user.created}.
 */
public final class EventNames {

	private static final char WILDCARD = '*';

	private EventNames() {
	}

	/**
	 * Whether a trigger's event name is a wildcard.
	 * @param trigger the trigger's event name
	 * @return {@code true} if it has a {@code *}
	 */
	public static boolean isWildcard(String trigger) {
		return trigger.indexOf(WILDCARD) >= 0;
	}

	/**
	 * Whether a trigger's event name matches an event's name.
	 * @param trigger the trigger's event name, valid ({@link #problem(String)})
	 * @param eventName the event's name
	 * @return whether the event triggers it
	 */
	public static boolean matches(String trigger, String eventName) {
		if (!isWildcard(trigger)) {
			return trigger.equals(eventName);
		}
		// The trigger but its last character, the *, begins the name: no copy made.
		return eventName.regionMatches(0, trigger, 0, trigger.length() - 1);
	}

	/**
	 * What a wildcard trigger's matching names start with.
	 * @param trigger the wildcard trigger's event name, valid
	 * @return the name without its {@code *}
	 */
	public static String prefix(String trigger) {
		return trigger.substring(0, trigger.length() - 1);
	}

	/**
	 * What is wrong with a trigger's event name, if anything: a {@code *} may only end
	 * it, right after a {@code /} or a {@code .}, as Inngest takes wildcards.
	 * @param trigger the trigger's event name, not blank
	 * @return the problem, or {@code null} if the name is valid
	 */
	public static @Nullable String problem(String trigger) {
		int wildcard = trigger.indexOf(WILDCARD);
		if (wildcard < 0) {
			return null;
		}
		boolean last = wildcard == trigger.length() - 1;
		char before = (wildcard > 0) ? trigger.charAt(wildcard - 1) : ' ';
		if (last && (before == '/' || before == '.')) {
			return null;
		}
		return "the event name '" + trigger + "' has a '*' that is not a wildcard Inngest takes: a '*' may only end "
				+ "the name, right after a '/' or a '.', as in 'app/*' or 'app/user.*'";
	}

}
