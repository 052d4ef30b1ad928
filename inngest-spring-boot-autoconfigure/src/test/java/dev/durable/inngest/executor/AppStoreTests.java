package dev.durable.inngest.executor;

import java.time.Instant;
import java.util.stream.Stream;

import dev.durable.inngest.engine.store.AppStore;
import dev.durable.inngest.engine.store.AppStore.AppRecord;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.JdbcAppStore;
import dev.durable.inngest.memory.InMemoryAppStore;
import dev.durable.inngest.testsupport.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store of synced apps, in the database and in memory: an app is stored, read back as
 * it was, and replaced by its next sync.
 */
class AppStoreTests {

	private static final Instant T0 = Instant.parse("2026-03-02T10:00:00.123456Z");

	static Stream<AppStore> stores() {
		return Stream.of(jdbc(), new InMemoryAppStore());
	}

	private static AppStore jdbc() {
		// An H2 database, or a PostgreSQL one when the tests run on PostgreSQL.
		String url = TestDatabases.newUrl("apps");
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(url, true);
		DatabasePlatform platform = url.startsWith("jdbc:postgresql:") ? DatabasePlatform.POSTGRESQL
				: DatabasePlatform.H2;
		new InngestSchemaInitializer(dataSource, DatabaseInitializationMode.ALWAYS, platform).initializeDatabase();
		return new JdbcAppStore(new JdbcTemplate(dataSource));
	}

	@ParameterizedTest
	@MethodSource("stores")
	void anAppIsStoredAndReplacedByItsNextSync(AppStore store) {
		assertThat(store.findAll()).isEmpty();
		AppRecord first = new AppRecord("billing", "http://billing/api", "[{\"id\":\"billing-a\"}]", "c1", T0);
		store.save(first);
		store.save(new AppRecord("audit", "http://audit/api", "[]", "c2", T0));
		assertThat(store.findAll()).containsExactly(new AppRecord("audit", "http://audit/api", "[]", "c2", T0), first);
		AppRecord second = new AppRecord("billing", "http://billing:8080/api", "[]", "c3", T0.plusSeconds(60));
		store.save(second);
		assertThat(store.findAll()).hasSize(2).contains(second).doesNotContain(first);
	}

}
