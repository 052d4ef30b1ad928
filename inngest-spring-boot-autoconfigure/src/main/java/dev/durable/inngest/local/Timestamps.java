package dev.durable.inngest.local;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import dev.durable.inngest.ErrorInfo;
import org.jspecify.annotations.Nullable;

/**
 * Converts between {@link Instant} and {@code TIMESTAMP WITH TIME ZONE} columns, and
 * reads the error columns the tables share.
 */
final class Timestamps {

	private Timestamps() {
	}

	static @Nullable OffsetDateTime of(@Nullable Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	static @Nullable Instant read(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	static @Nullable ErrorInfo readError(ResultSet rs) throws SQLException {
		String name = rs.getString("error_name");
		return (name != null) ? new ErrorInfo(name, rs.getString("error_message"), rs.getString("error_stack")) : null;
	}

}
