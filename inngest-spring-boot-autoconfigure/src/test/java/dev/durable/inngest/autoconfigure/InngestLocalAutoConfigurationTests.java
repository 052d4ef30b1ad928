package dev.durable.inngest.autoconfigure;

import java.time.ZoneOffset;
import java.time.Instant;
import java.time.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.durable.inngest.Event;
import dev.durable.inngest.InngestClient;
import dev.durable.inngest.InngestFunction;
import dev.durable.inngest.RunQuery;
import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.EventIngestor;
import dev.durable.inngest.engine.RetryBackoff;
import dev.durable.inngest.engine.RunExecutor;
import dev.durable.inngest.engine.RunScheduler;
import dev.durable.inngest.engine.RunSignals;
import dev.durable.inngest.engine.store.RetentionStore;
import dev.durable.inngest.engine.store.RunRecord;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStore;
import dev.durable.inngest.function.FunctionDiscoverer;
import dev.durable.inngest.local.DatabaseDurability;
import dev.durable.inngest.local.DatabasePlatform;
import dev.durable.inngest.local.InngestSchemaException;
import dev.durable.inngest.local.InngestSchemaInitializer;
import dev.durable.inngest.local.InngestSchemaVerifier;
import dev.durable.inngest.local.JdbcRunStore;
import dev.durable.inngest.memory.InMemoryInngestStore;
import dev.durable.inngest.testsupport.SchemaVersion1;
import dev.durable.inngest.testsupport.StartupFailures;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.context.annotation.Scope;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static dev.durable.inngest.testsupport.StartupFailures.assertInvalidProperty;

/**
 * The conditions of the auto-configuration.
 */
@ExtendWith(OutputCaptureExtension.class)
class InngestLocalAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class));

	@Test
	void anApplicationsOwnClockIsTheOneInjectedByTypeAndTheEnginesByItsName() {
		this.runner.withUserConfiguration(OwnClock.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("clockUser", ClockUser.class).clock()).isSameAs(OwnClock.FIXED);
			assertThat(context.getBean("engineClockUser", ClockUser.class).clock())
				.isSameAs(context.getBean(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME));
			assertThat(context.getBean(Clock.class)).isSameAs(OwnClock.FIXED);
		});
	}

	@Test
	void backoffValuesThatCannotBeUsedFailTheStart() {
		this.runner.withPropertyValues("inngest.local.backoff.jitter=-5s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.backoff.jitter",
					"PT-5S"));
		this.runner.withPropertyValues("inngest.local.backoff.initial=-1s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.backoff.initial",
					"PT-1S"));
		this.runner.withPropertyValues("inngest.local.backoff.initial=1s", "inngest.local.backoff.multiplier=0.5")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.backoff.multiplier",
					"0.5"));
		this.runner.withPropertyValues("inngest.local.backoff.initial=1s", "inngest.local.backoff.max=0s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.backoff.max", "PT0S"));
		this.runner.withPropertyValues("inngest.local.backoff.initial=10m", "inngest.local.backoff.max=1m")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.backoff.max", "PT1M"));
	}

	@Test
	void aBackoffMaximumOrMultiplierSetWithoutAnInitialDelayIsWarnedOf(CapturedOutput output) {
		this.runner.withPropertyValues("inngest.local.backoff.max=10m")
			.run((context) -> assertThat(output).contains("inngest.local.backoff.max is set but "
					+ "inngest.local.backoff.initial is not: retries follow Inngest's schedule, up to 2h apart"));
		this.runner.withPropertyValues("inngest.local.backoff.multiplier=3")
			.run((context) -> assertThat(output).contains("inngest.local.backoff.multiplier is set but"));
		this.runner.withPropertyValues("inngest.local.backoff.initial=1s", "inngest.local.backoff.max=10m")
			.run((context) -> assertThat(output.toString().split("backoff.initial is not", -1)).hasSize(3));
	}

	@Test
	void aModeNoEngineAnswersToFailsTheStartNamingThePropertyAndItsValues() {
		this.runner.withUserConfiguration(NeedsClient.class).withPropertyValues("inngest.mode=cloud").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("inngest.mode").contains("cloud");
			assertThat(analysis.getAction()).contains("LOCAL").contains("REMOTE");
		});
	}

	@Test
	void aStoreNoEngineAnswersToFailsTheStartNamingThePropertyAndItsValues() {
		this.runner.withUserConfiguration(NeedsClient.class)
			.withPropertyValues("inngest.local.store=mem")
			.run((context) -> {
				FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("inngest.local.store").contains("mem");
				assertThat(analysis.getAction()).contains("JDBC").contains("MEMORY");
			});
	}

	@Test
	void aModeTheConditionsWouldNotReadFailsTheStart() {
		this.runner.withUserConfiguration(NeedsClient.class)
			.withPropertyValues("inngest.mode=re-mote")
			.run((context) -> {
				Throwable failure = StartupFailures.cause(context.getStartupFailure(),
						InvalidConfigurationPropertyValueException.class);
				assertThat(failure).hasMessageContaining("inngest.mode").hasMessageContaining("'remote'");
			});
	}

	@Test
	void aSwitchWrittenAsTheConditionsWouldNotReadItFailsTheStart() {
		this.runner.withPropertyValues("inngest.executor.enabled=yes")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.executor.enabled", "yes"));
		this.runner.withPropertyValues("inngest.dashboard.enabled=on")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.dashboard.enabled", "on"));
		this.runner.withPropertyValues("inngest.local.retention.enabled=1").run((context) -> {
			assertInvalidProperty(context.getStartupFailure(), "inngest.local.retention.enabled", "1");
			assertThat(context.getStartupFailure()).hasMessageContaining("write it as 'true'");
		});
	}

	@Test
	void aSwitchTakesTrueAndFalseInAnyCaseAndAnyWordForOff() {
		this.runner
			.withPropertyValues("inngest.local.retention.enabled=TRUE", "inngest.dashboard.enabled=off",
					"inngest.executor.enabled=no")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void theEngineSelectionTakesItsValuesInAnyCase() {
		this.runner.withPropertyValues("inngest.mode=LOCAL", "inngest.local.store=Memory")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(InngestClient.class));
	}

	@Test
	void localEngineIsConfiguredOnTheApplicationsDataSource() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(FunctionDiscoverer.class);
			assertThat(context).hasSingleBean(InngestClient.class);
			assertThat(context).hasSingleBean(RunScheduler.class);
			assertThat(context).hasSingleBean(EventIngestor.class);
			assertThat(context).hasSingleBean(RunExecutor.class);
			assertThat(context).hasSingleBean(InngestSchemaInitializer.class);
			assertThat(context.getBean(RunStore.class)).isInstanceOf(JdbcRunStore.class);
		});
	}

	@Test
	void schemaIsCreatedOnTheEmbeddedDatabase() {
		this.runner.run((context) -> {
			JdbcClient jdbc = JdbcClient.create(context.getBean(javax.sql.DataSource.class));
			assertThat(jdbc.sql("SELECT COUNT(*) FROM inngest_run").query(Integer.class).single()).isZero();
		});
	}

	@Test
	void schemaIsCreatedOnAnH2FileDatabaseByDefault(@TempDir Path directory) {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:h2:file:" + directory.resolve("app"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcClient jdbc = JdbcClient.create(context.getBean(javax.sql.DataSource.class));
				assertThat(jdbc.sql("SELECT COUNT(*) FROM inngest_run").query(Integer.class).single()).isZero();
			});
	}

	@Test
	void withoutTheSchemaAndInitializationNeverTheStartFailsWithAnExplanation() {
		this.runner.withPropertyValues("inngest.local.schema.initialize=never").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			InngestSchemaException cause = StartupFailures.cause(failure, InngestSchemaException.class);
			assertThat(cause).hasMessageContaining("tables are missing from the h2 database");
			assertThat(cause.getAction()).contains("inngest.local.schema.initialize=always")
				.contains("classpath:dev/durable/inngest/local/schema-h2.sql");
			FailureAnalysis analysis = StartupFailures.analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getAction()).contains("inngest.local.schema.initialize=always");
		});
	}

	@Test
	void anH2FileDatabaseIsClosedByTheContextRatherThanByH2OnExit(@TempDir Path directory) {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:h2:file:" + directory.resolve("closed-by-context"))
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getJdbcUrl())
				.isEqualTo("jdbc:h2:file:" + directory.resolve("closed-by-context") + ";DB_CLOSE_ON_EXIT=FALSE"));
	}

	@Test
	void anH2UrlThatSaysWhenToCloseOnExitIsLeftAsItIs(@TempDir Path directory) {
		String url = "jdbc:h2:file:" + directory.resolve("own-choice") + ";DB_CLOSE_ON_EXIT=TRUE";
		this.runner.withPropertyValues("spring.datasource.url=" + url)
			.run((context) -> assertThat(context.getBean(HikariDataSource.class).getJdbcUrl()).isEqualTo(url));
	}

	@Test
	void anH2FileDatabaseWritesEveryCommitToItsFileByDefault(@TempDir Path directory, CapturedOutput output) {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:h2:file:" + directory.resolve("durable"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DatabaseDurability.class).commitWriteDelay()).isZero();
				assertThat(writeDelays(context)).containsOnly("0");
				// Each commit is written alone: the completions of runs that end together
				// share one.
				assertThat(context.getBean(RunExecutor.class).commitsTogether()).isTrue();
			});
		assertThat(output).doesNotContain("H2 writes commits to its file").doesNotContain("is in memory");
	}

	@Test
	void anH2FileDatabaseWritesCommitsLaterOnlyWhenAWriteDelayIsSetAndSaysWhatACrashLoses(@TempDir Path directory,
			CapturedOutput output) {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:file:" + directory.resolve("delayed"),
					"inngest.local.h2.write-delay=500ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DatabaseDurability.class).commitWriteDelay()).isEqualTo(500);
				// Commits cost next to nothing: each run's completion is committed alone.
				assertThat(context.getBean(RunExecutor.class).commitsTogether()).isFalse();
			});
		assertThat(output).contains("H2 writes commits to its file up to 500 ms after they return (WRITE_DELAY=500)")
			.contains("Set inngest.local.h2.write-delay=0");
	}

	@Test
	void aWriteDelayInTheUrlWinsOverTheEnginesAsH2AppliesItWithEveryConnection(@TempDir Path directory) {
		this.runner
			.withPropertyValues(
					"spring.datasource.url=jdbc:h2:file:" + directory.resolve("url-delay") + ";WRITE_DELAY=300")
			.run((context) -> {
				assertThat(context.getBean(DatabaseDurability.class).commitWriteDelay()).isEqualTo(300);
				assertThat(writeDelays(context)).containsOnly("300");
			});
	}

	@Test
	void anInMemoryDatabaseIsWarnedOfOnceAsLosingItsRunsOnRestart(CapturedOutput output) {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:forgetful;DB_CLOSE_DELAY=-1",
					"spring.datasource.username=sa", "spring.datasource.password=secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DatabaseDurability.class).inMemory()).isTrue();
			});
		String warning = "The durable function engine's database is in memory (jdbc:h2:mem:forgetful)";
		assertThat(output.getOut().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
		assertThat(output).contains("sleeping or waiting runs never resume").doesNotContain("secret");
	}

	@Test
	void anH2UserWhoIsNotAnAdministratorStartsAndIsToldTheWriteDelayCouldNotBeSet(@TempDir Path directory,
			CapturedOutput output) {
		String url = "jdbc:h2:file:" + directory.resolve("not-admin-delay");
		JdbcTemplate admin = new JdbcTemplate(new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", ""));
		admin.execute("CREATE USER app PASSWORD 'secret'");
		admin.execute("GRANT ALTER ANY SCHEMA TO app");
		this.runner
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=app",
					"spring.datasource.password=secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(DatabaseDurability.class).commitWriteDelay()).isEqualTo(500);
			});
		assertThat(output)
			.contains("Could not set H2's WRITE_DELAY to 0 (Admin rights are required for this operation)")
			.contains("H2 writes commits to its file up to 500 ms after they return");
	}

	private static List<String> writeDelays(org.springframework.context.ApplicationContext context) {
		return JdbcClient.create(context.getBean(javax.sql.DataSource.class))
			.sql("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")
			.query(String.class)
			.list();
	}

	@Test
	void initializingTheSchemaOnH2KeepsLargeObjectsOfUpTo64KiBInTheirRows(@TempDir Path directory) {
		this.runner.run((context) -> assertThat(inplaceLobLengths(context)).containsExactly("65536"));
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:file:" + directory.resolve("raised"),
					"inngest.local.schema.initialize=always")
			.run((context) -> assertThat(inplaceLobLengths(context)).containsExactly("65536"));
	}

	@Test
	void aLongerInplaceLengthSetOnH2IsKept(@TempDir Path directory) {
		String url = "jdbc:h2:file:" + directory.resolve("longer");
		new JdbcTemplate(new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", ""))
			.execute("SET MAX_LENGTH_INPLACE_LOB 1048576");
		this.runner
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=sa",
					"inngest.local.schema.initialize=always")
			.run((context) -> assertThat(inplaceLobLengths(context)).containsExactly("1048576"));
	}

	@Test
	void anH2UserWhoIsNotAnAdministratorStartsAndIsToldHowToKeepLargeObjectsInRows(@TempDir Path directory,
			CapturedOutput output) {
		String url = "jdbc:h2:file:" + directory.resolve("not-admin");
		JdbcTemplate admin = new JdbcTemplate(new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", ""));
		admin.execute("CREATE USER app PASSWORD 'secret'");
		admin.execute("GRANT ALTER ANY SCHEMA TO app");
		this.runner
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=app",
					"spring.datasource.password=secret", "inngest.local.schema.initialize=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(inplaceLobLengths(context)).isEmpty();
			});
		assertThat(output).contains(
				"Could not raise H2's MAX_LENGTH_INPLACE_LOB to 65536 (Admin rights are required for this operation): ")
			.contains("Run SET MAX_LENGTH_INPLACE_LOB 65536 once as an administrator of the database.");
	}

	private static List<String> inplaceLobLengths(org.springframework.context.ApplicationContext context) {
		return JdbcClient.create(context.getBean(javax.sql.DataSource.class))
			.sql("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'MAX_LENGTH_INPLACE_LOB'")
			.query(String.class)
			.list();
	}

	@Test
	void groupCommitIsWhatThePropertySaysWhenItIsSet(@TempDir Path directory) {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:file:" + directory.resolve("delayed"),
					"inngest.local.h2.write-delay=500ms", "inngest.local.group-commit=true")
			.run((context) -> assertThat(context.getBean(RunExecutor.class).commitsTogether()).isTrue());
		this.runner.withPropertyValues("inngest.local.group-commit=false")
			.run((context) -> assertThat(context.getBean(RunExecutor.class).commitsTogether()).isFalse());
	}

	@Test
	void schemaAppliedByHandIsAcceptedWithInitializationNever() {
		String url = "jdbc:h2:mem:by-hand;DB_CLOSE_DELAY=-1";
		applySchemaByHand(url);
		this.runner.withPropertyValues("inngest.local.schema.initialize=never", "spring.datasource.url=" + url)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(InngestSchemaVerifier.class).verify())
					.isEqualTo(InngestSchemaVerifier.VERSION);
			});
	}

	@Test
	void initializingTheSchemaDropsTheIndexOnEventNamesThatEarlierDatabasesHave() {
		String url = "jdbc:h2:mem:event-name-index;DB_CLOSE_DELAY=-1";
		applySchemaByHand(url);
		JdbcClient byHand = JdbcClient.create(new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", ""));
		byHand.sql("CREATE INDEX inngest_event_name ON inngest_event (name, received_at)").update();
		assertThat(eventIndexes(byHand)).contains("INNGEST_EVENT_NAME");
		this.runner.withPropertyValues("spring.datasource.url=" + url, "inngest.local.schema.initialize=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(eventIndexes(byHand)).doesNotContain("INNGEST_EVENT_NAME")
					.contains("INNGEST_EVENT_RECEIVED")
					.hasSize(2);
			});
	}

	private static List<String> eventIndexes(JdbcClient jdbc) {
		return jdbc.sql("SELECT INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'INNGEST_EVENT'")
			.query(String.class)
			.list();
	}

	@Test
	void aSchemaWrittenByALaterReleaseFailsTheStart() {
		String url = "jdbc:h2:mem:later-release;DB_CLOSE_DELAY=-1";
		applySchemaByHand(url);
		JdbcClient.create(new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", ""))
			.sql("INSERT INTO inngest_schema_version (version, description, installed_at) "
					+ "VALUES (?, 'later', CURRENT_TIMESTAMP)")
			.param(InngestSchemaVerifier.VERSION + 1)
			.update();
		this.runner.withPropertyValues("spring.datasource.url=" + url).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(StartupFailures.cause(context.getStartupFailure(), InngestSchemaException.class))
				.hasMessageContaining("version " + (InngestSchemaVerifier.VERSION + 1))
				.hasMessageContaining("this release uses version " + InngestSchemaVerifier.VERSION);
		});
	}

	@Test
	void aDatabaseOfSchemaVersion1FailsTheStartUntilTheSchemaIsAppliedWhichMigratesIt() {
		String url = "jdbc:h2:mem:version-1;DB_CLOSE_DELAY=-1";
		applySchemaByHand(url);
		JdbcClient byHand = JdbcClient.create(new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", ""));
		SchemaVersion1.restore(byHand);
		this.runner.withPropertyValues("spring.datasource.url=" + url, "inngest.local.schema.initialize=never")
			.run((context) -> {
				assertThat(context).hasFailed();
				InngestSchemaException cause = StartupFailures.cause(context.getStartupFailure(),
						InngestSchemaException.class);
				assertThat(cause).hasMessageContaining("has version 1")
					.hasMessageContaining("needs version " + InngestSchemaVerifier.VERSION);
				assertThat(StartupFailures.analyze(context.getStartupFailure()).getAction())
					.contains("schema-h2.sql (it migrates earlier versions)");
			});
		this.runner.withPropertyValues("spring.datasource.url=" + url, "inngest.local.schema.initialize=always")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(InngestSchemaVerifier.class).verify())
					.isEqualTo(InngestSchemaVerifier.VERSION);
				assertThat(byHand
					.sql("SELECT LOWER(COLUMN_NAME) FROM INFORMATION_SCHEMA.COLUMNS "
							+ "WHERE TABLE_NAME = 'INNGEST_RUN' AND COLUMN_NAME LIKE 'LAST_STEP%'")
					.query(String.class)
					.list()).containsExactlyInAnyOrderElementsOf(SchemaVersion1.LAST_STEP_COLUMNS);
				assertThat(eventIndexes(byHand)).contains(SchemaVersion1.EVENT_RECEIVED_INDEX.toUpperCase(Locale.ROOT));
				assertThat(byHand
					.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS "
							+ "WHERE TABLE_NAME = 'INNGEST_EVENT' AND COLUMN_NAME = 'SENT_ID'")
					.query(Integer.class)
					.single()).isOne();
				assertThat(byHand.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?")
					.param(SchemaVersion1.EVENT_RESENT_TABLE.toUpperCase(Locale.ROOT))
					.query(Integer.class)
					.single()).isOne();
			});
	}

	@Test
	void anExplicitPlatformThatTheEngineDoesNotSupportFailsTheStart() {
		this.runner.withPropertyValues("inngest.local.schema.platform=oracle").run((context) -> {
			assertThat(context).hasFailed();
			assertInvalidProperty(context.getStartupFailure(), "inngest.local.schema.platform", "oracle");
			assertThat(StartupFailures.analyze(context.getStartupFailure(), new MockEnvironment()).getDescription())
				.contains("'inngest.local.schema.platform'")
				.contains("The local engine runs on 'h2' or 'postgresql'.");
		});
	}

	@Test
	void anExplicitPlatformThatIsNotTheDatabasesFailsTheStartNamingBoth() {
		this.runner.withPropertyValues("inngest.local.schema.platform=postgresql").run((context) -> {
			assertThat(context).hasFailed();
			assertInvalidProperty(context.getStartupFailure(), "inngest.local.schema.platform", "postgresql");
			assertThat(StartupFailures.analyze(context.getStartupFailure(), new MockEnvironment()).getDescription())
				.contains("The application's database is H2, which is 'h2': leave the property unset to have the "
						+ "database detected.");
		});
		this.runner.withPropertyValues("inngest.local.schema.platform=H2")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aDatabaseTheEngineDoesNotRunOnFailsTheStartWithAnExplanation() {
		// An H2 database that names itself MySQL, as a MySQL database would.
		this.runner.withBean("dataSource", javax.sql.DataSource.class, () -> new DelegatingDataSource(
				new SimpleDriverDataSource(new org.h2.Driver(), "jdbc:h2:mem:other-product", "sa", "")) {
			@Override
			public java.sql.Connection getConnection() throws java.sql.SQLException {
				return productNamed("MySQL", super.getConnection());
			}
		}).run((context) -> {
			assertThat(context).hasFailed();
			InngestSchemaException cause = StartupFailures.cause(context.getStartupFailure(),
					InngestSchemaException.class);
			assertThat(cause).hasMessageContaining("the application's database is MySQL");
			assertThat(StartupFailures.analyze(context.getStartupFailure()).getAction()).contains("H2 or PostgreSQL");
		});
	}

	private static java.sql.Connection productNamed(String product, java.sql.Connection connection) {
		return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(
				InngestLocalAutoConfigurationTests.class.getClassLoader(), new Class<?>[] { java.sql.Connection.class },
				(proxy, method, args) -> {
					Object result = method.invoke(connection, args);
					if (method.getName().equals("getMetaData")) {
						java.sql.DatabaseMetaData metaData = (java.sql.DatabaseMetaData) result;
						return java.lang.reflect.Proxy.newProxyInstance(
								InngestLocalAutoConfigurationTests.class.getClassLoader(),
								new Class<?>[] { java.sql.DatabaseMetaData.class },
								(p, m, a) -> m.getName().equals("getDatabaseProductName") ? product
										: m.invoke(metaData, a));
					}
					return result;
				});
	}

	private static void applySchemaByHand(String url) {
		ResourceDatabasePopulator populator = new ResourceDatabasePopulator(
				new ClassPathResource("dev/durable/inngest/local/schema-h2.sql"));
		populator.execute(new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", ""));
	}

	@Test
	void userDefinedClientReplacesTheLocalOne() {
		InngestClient own = (Event... events) -> List.of("mine");
		this.runner.withBean(InngestClient.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(InngestClient.class);
			assertThat(context.getBean(InngestClient.class)).isSameAs(own);
		});
	}

	@Test
	void userDefinedStoreReplacesTheJdbcOne() {
		RunStore own = mock(RunStore.class);
		this.runner.withBean(RunStore.class, () -> own).run((context) -> {
			assertThat(context).hasSingleBean(RunStore.class);
			assertThat(context.getBean(RunStore.class)).isSameAs(own);
		});
	}

	@Test
	void userDefinedBackoffReplacesTheConfiguredOne() {
		RetryBackoff own = new RetryBackoff(java.time.Duration.ZERO);
		this.runner.withBean(RetryBackoff.class, () -> own)
			.run((context) -> assertThat(context.getBean(RetryBackoff.class)).isSameAs(own));
	}

	@Test
	void backoffFollowsInngestsScheduleUnlessAnInitialDelayIsSet() {
		this.runner.run((context) -> assertThat(context.getBean(RetryBackoff.class).baseDelay(4))
			.isEqualTo(java.time.Duration.ofMinutes(5)));
		this.runner.withPropertyValues("inngest.local.backoff.initial=100ms", "inngest.local.backoff.multiplier=3")
			.run((context) -> assertThat(context.getBean(RetryBackoff.class).baseDelay(2))
				.isEqualTo(java.time.Duration.ofMillis(900)));
	}

	@Test
	void localEngineBacksOffWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(FunctionDiscoverer.class);
				assertThat(context).doesNotHaveBean(RunScheduler.class);
				assertThat(context).doesNotHaveBean(InngestClient.class);
			});
	}

	@Test
	void theInMemoryStoreNeedsNoDataSourceAndRunsFunctions() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class,
					InngestLocalAutoConfiguration.class, InngestRetentionAutoConfiguration.class))
			.withPropertyValues("inngest.local.store=memory")
			.withUserConfiguration(GreetingFunction.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(javax.sql.DataSource.class);
				assertThat(context).hasSingleBean(RunScheduler.class);
				assertThat(context).doesNotHaveBean(DatabasePlatform.class);
				assertThat(context).doesNotHaveBean(InngestSchemaVerifier.class);
				InMemoryInngestStore store = context.getBean(InMemoryInngestStore.class);
				assertThat(context.getBean(RunStore.class)).isSameAs(store.runs());
				assertThat(context.getBean(StepStore.class)).isSameAs(store.steps());
				assertThat(context.getBean(RetentionStore.class)).isSameAs(store.retention());
				assertThat(context.getBean(RunSignals.class)).isSameAs(RunSignals.NONE);
				String eventId = context.getBean(InngestClient.class).send(Event.of("test/greet")).get(0);
				Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					List<RunRecord> runs = store.runs().list(RunQuery.all(10));
					assertThat(runs).singleElement().satisfies((run) -> {
						assertThat(run.event().id()).isEqualTo(eventId);
						assertThat(run.status()).isEqualTo(RunStatus.COMPLETED);
						assertThat(run.output()).isEqualTo("\"hello\"");
					});
				});
			});
	}

	@Test
	void theInMemoryStoreIsChosenOverADataSourceWhoseSchemaIsLeftAlone() {
		this.runner.withPropertyValues("inngest.local.store=memory").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RunScheduler.class);
			assertThat(context).doesNotHaveBean(InngestSchemaInitializer.class);
			assertThat(context).doesNotHaveBean(DatabaseDurability.class);
			assertThat(context.getBean(RunStore.class)).isSameAs(context.getBean(InMemoryInngestStore.class).runs());
			JdbcClient jdbc = JdbcClient.create(context.getBean(javax.sql.DataSource.class));
			assertThat(jdbc.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'INNGEST_RUN'")
				.query(Integer.class)
				.single()).isZero();
		});
	}

	@Test
	void theJdbcStoreWithoutADataSourceLeavesTheEngineOff() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class))
			.withPropertyValues("inngest.local.store=jdbc")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RunScheduler.class));
	}

	@Test
	void functionsWithoutADataSourceStopTheStartNamingThemAndTheWaysOut() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class))
			.withUserConfiguration(GreetingFunction.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				NoEngineException cause = StartupFailures.cause(context.getStartupFailure(), NoEngineException.class);
				assertThat(cause.getFunctions()).singleElement()
					.asString()
					.startsWith("'greet', ")
					.contains("GreetingFunction.greet");
				FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("no DataSource").contains("'greet'");
				assertThat(analysis.getAction()).contains("spring.datasource.url")
					.contains("inngest.local.store=memory")
					.contains("inngest.mode=remote");
			});
	}

	@Test
	void severalDataSourcesWithoutAPrimaryStopTheStartNamingThem() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class))
			.withUserConfiguration(GreetingFunction.class)
			.withBean("orders", DataSource.class, () -> h2("orders"))
			.withBean("reports", DataSource.class, () -> h2("reports"))
			.run((context) -> {
				assertThat(context).hasFailed();
				NoEngineException cause = StartupFailures.cause(context.getStartupFailure(), NoEngineException.class);
				assertThat(cause.getDataSources()).containsExactly("orders", "reports");
				FailureAnalysis analysis = StartupFailures.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("several DataSources [orders, reports]")
					.contains("'greet'");
				assertThat(analysis.getAction()).contains("@Primary");
			});
	}

	@Test
	void theEngineTakesThePrimaryOfSeveralDataSources() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(InngestAutoConfiguration.class, InngestLocalAutoConfiguration.class))
			.withUserConfiguration(GreetingFunction.class)
			.withPropertyValues("inngest.local.auto-startup=false")
			.withBean("orders", DataSource.class, () -> h2("orders"), (definition) -> definition.setPrimary(true))
			.withBean("reports", DataSource.class, () -> h2("reports"))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(RunScheduler.class);
				Integer tables = JdbcClient.create(context.getBean("orders", DataSource.class))
					.sql("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'INNGEST_RUN'")
					.query(Integer.class)
					.single();
				assertThat(tables).isOne();
			});
	}

	private static DataSource h2(String name) {
		return new SimpleDriverDataSource(new org.h2.Driver(),
				"jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
	}

	@Test
	void functionsInRemoteModeNeedNoDataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InngestAutoConfiguration.class,
					InngestLocalAutoConfiguration.class, InngestRemoteAutoConfiguration.class))
			.withPropertyValues("inngest.mode=remote", "inngest.dev=true")
			.withUserConfiguration(GreetingFunction.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RunScheduler.class));
	}

	@Test
	void aStoreTheEngineDoesNotHaveStopsTheStartNamingTheProperty() {
		this.runner.withPropertyValues("inngest.local.store=disk").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("inngest.local.store");
		});
	}

	@Test
	void theEngineTakesTheApplicationsTransactionManagerOfItsDataSource() {
		this.runner.run((context) -> assertThat(
				context.getBean(InngestLocalStoreConfiguration.EngineTransactions.class).manager())
			.isSameAs(context.getBean(PlatformTransactionManager.class)));
	}

	@Test
	void aTransactionManagerOfAnotherResourceIsNotTheEngines(CapturedOutput output) {
		this.runner.withBean("kafkaTransactionManager", PlatformTransactionManager.class, OtherResourceManager::new)
			.run((context) -> {
				PlatformTransactionManager engine = context
					.getBean(InngestLocalStoreConfiguration.EngineTransactions.class)
					.manager();
				assertThat(engine).isInstanceOf(DataSourceTransactionManager.class);
				assertThat(((DataSourceTransactionManager) engine).getDataSource())
					.isSameAs(context.getBean(DataSource.class));
				assertThat(output).contains("The transaction manager " + OtherResourceManager.class.getName()
						+ " does not manage the connections of the DataSource");
			});
	}

	/** A transaction manager of a resource other than the data source, as Kafka's. */
	static class OtherResourceManager extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

	@Test
	void stoppingWaitsForRunsAsLongAsSpringGivesAShutdownPhaseUnlessSetItself() {
		this.runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=7s")
			.run((context) -> assertThat(context.getBean(RunScheduler.class).settings().shutdownTimeout())
				.isEqualTo(Duration.ofSeconds(7)));
		this.runner
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=7s", "inngest.local.shutdown-timeout=3s")
			.run((context) -> assertThat(context.getBean(RunScheduler.class).settings().shutdownTimeout())
				.isEqualTo(Duration.ofSeconds(3)));
		this.runner.run((context) -> assertThat(context.getBean(RunScheduler.class).settings().shutdownTimeout())
			.isEqualTo(Duration.ofSeconds(30)));
	}

	@Test
	void functionsRunWithLazyInitializationOn() {
		this.runner
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.withPropertyValues("inngest.local.store=memory", "inngest.local.auto-startup=false")
			.withBean("greeter", Greeter.class)
			.withBean("unrelated", StringBuilder.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(FunctionDiscoverer.class).registry().find("greet")).isPresent();
				assertThat(context.getBeanFactory().getBeanDefinition("greeter").isLazyInit()).isFalse();
				assertThat(context.getBeanFactory().getBeanDefinition("unrelated").isLazyInit()).isTrue();
			});
	}

	@Test
	void aFunctionBeanCreatedLazilyAfterTheStartIsWarnedOf(CapturedOutput output) {
		this.runner
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.withPropertyValues("inngest.local.store=memory", "inngest.local.auto-startup=false")
			.withUserConfiguration(GreetingAsInterface.class)
			.run((context) -> {
				// The declared type hides the function, so the bean stays lazy: nothing
				// can tell without creating it.
				assertThat(context.getBean(FunctionDiscoverer.class).registry().find("greet")).isEmpty();
				assertThat(output).doesNotContain("created after the start");
				context.getBean("greeting");
				assertThat(output)
					.contains("Bean 'greeting' declares durable functions [greet] but was created "
							+ "after the start, lazily: they will not run")
					.contains("declare " + Greeter.class.getName() + " as its type, or annotate it @Lazy(false)");
				assertThat(context.getBean(FunctionDiscoverer.class).registry().find("greet")).isEmpty();
			});
	}

	@Test
	void aPrototypeFunctionBeanCreatedAgainBeforeOrAfterTheStartIsReadOnceAndNotWarnedOf(CapturedOutput output) {
		this.runner.withPropertyValues("inngest.local.store=memory", "inngest.local.auto-startup=false")
			.withUserConfiguration(PrototypeGreeting.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(FunctionDiscoverer.class).registry().find("greet")).isPresent();
				assertThat(context.getBean("greeting")).isNotSameAs(context.getBean("greeting"));
				assertThat(output).doesNotContain("created after the start");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeGreeting {

		@Bean
		@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
		Greeter greeting() {
			return new Greeter();
		}

		// Singletons using it, so that instances are created, and their functions read,
		// at the start: one per user.
		@Bean
		Runnable greetingUser(Greeter greeting) {
			return () -> greeting.greet(Event.of("test/greet"));
		}

		@Bean
		Runnable otherGreetingUser(Greeter greeting) {
			return () -> greeting.greet(Event.of("test/greet"));
		}

	}

	interface Greeting {

	}

	@Configuration(proxyBeanMethods = false)
	static class GreetingAsInterface {

		@Bean
		Greeting greeting() {
			return new Greeter();
		}

	}

	static class Greeter implements Greeting {

		@InngestFunction(id = "greet", event = "test/greet")
		String greet(Event event) {
			return "hello";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GreetingFunction {

		@InngestFunction(id = "greet", event = "test/greet")
		String greet(Event event) {
			return "hello";
		}

	}

	@Test
	void localEngineBacksOffWithoutSpringJdbc() {
		this.runner.withClassLoader(new FilteredClassLoader(JdbcTemplate.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(RunScheduler.class);
			assertThat(context).doesNotHaveBean(InngestClient.class);
		});
	}

	@Test
	void invalidEngineSettingsStopTheStartNamingTheProperty() {
		this.runner.withPropertyValues("inngest.local.workers=0")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.workers", "0"));
		this.runner.withPropertyValues("inngest.local.lease.duration=0s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.lease.duration",
					"PT0S"));
		this.runner.withPropertyValues("inngest.local.poll-interval=500us")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.poll-interval",
					"PT0.0005S"));
		this.runner.withPropertyValues("inngest.local.eager-start.max-wait=-1s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.eager-start.max-wait",
					"PT-1S"));
		this.runner.withPropertyValues("inngest.local.shutdown-timeout=-1s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.shutdown-timeout",
					"PT-1S"));
		this.runner.withPropertyValues("inngest.local.h2.write-delay=-1ms")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.h2.write-delay",
					"PT-0.001S"));
	}

	@Test
	void invalidLimitsStopTheStartNamingTheProperty() {
		this.runner.withPropertyValues("inngest.local.max-output-size=0B")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.max-output-size",
					"0B"));
		this.runner.withPropertyValues("inngest.limits.event-size=0B")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.limits.event-size", "0B"));
		this.runner.withPropertyValues("inngest.local.step-timeout=-1s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.step-timeout",
					"PT-1S"));
		this.runner.withPropertyValues("inngest.local.step-timeout=500us")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.local.step-timeout",
					"PT0.0005S"));
		this.runner.withPropertyValues("inngest.limits.bulk-count-timeout=0s")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.limits.bulk-count-timeout",
					"PT0S"));
		this.runner.withPropertyValues("inngest.limits.bulk-count-timeout=999us")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.limits.bulk-count-timeout",
					"PT0.000999S"));
	}

	@Test
	void stepsAreTimedOutAfterTwoHoursUnlessTheStepTimeOutIsZero() {
		this.runner.run((context) -> assertThat(context.getBean(RunScheduler.class).settings().stepTimeout())
			.isEqualTo(Duration.ofHours(2)));
		this.runner.withPropertyValues("inngest.local.step-timeout=0")
			.run((context) -> assertThat(context.getBean(RunScheduler.class).settings().limitsSteps()).isFalse());
	}

	@Test
	void limitsBeyondTheColumnsOrBelowOneStopTheStartNamingTheProperty() {
		this.runner.withPropertyValues("inngest.limits.event-id-length=65").run((context) -> {
			assertInvalidProperty(context.getStartupFailure(), "inngest.limits.event-id-length", "65");
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("at most 64 characters");
		});
		this.runner.withPropertyValues("inngest.limits.event-name-length=256").run((context) -> {
			assertInvalidProperty(context.getStartupFailure(), "inngest.limits.event-name-length", "256");
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("at most 255 characters");
		});
		this.runner.withPropertyValues("inngest.limits.expression-cost=0")
			.run((context) -> assertInvalidProperty(context.getStartupFailure(), "inngest.limits.expression-cost",
					"0"));
	}

	@Test
	void aRunCreatedLeasedIsHeldAtMostAThirdOfTheLease() {
		this.runner.withPropertyValues("inngest.local.lease.duration=3s").run((context) -> {
			RunScheduler.Settings settings = context.getBean(RunScheduler.class).settings();
			assertThat(settings.eagerStart()).isTrue();
			assertThat(settings.hold()).isEqualTo(Duration.ofSeconds(1));
		});
		this.runner.withPropertyValues("inngest.local.eager-start.max-wait=500ms").run((context) -> {
			RunScheduler.Settings settings = context.getBean(RunScheduler.class).settings();
			assertThat(settings.hold()).isEqualTo(Duration.ofMillis(500));
		});
		this.runner.withPropertyValues("inngest.local.eager-start.enabled=false")
			.run((context) -> assertThat(context.getBean(RunScheduler.class).settings().eagerStart()).isFalse());
	}

	@Test
	void aMaximumWaitSetAboveAThirdOfTheLeaseIsWarnedOfOnlyWhenSet(CapturedOutput output) {
		String warning = "inngest.local.eager-start.max-wait is PT20S, more than a third of "
				+ "inngest.local.lease.duration (PT30S): a run created leased waits at most PT10S for a worker here";
		this.runner.withPropertyValues("inngest.local.eager-start.max-wait=20s")
			.run((context) -> assertThat(output).contains(warning));
		this.runner.withPropertyValues("inngest.local.lease.duration=3s")
			.run((context) -> assertThat(output.toString().split("eager-start.max-wait is", -1)).hasSize(2));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClock {

		static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

		@Bean
		Clock applicationClock() {
			return FIXED;
		}

		@Bean
		ClockUser clockUser(Clock anyClock) {
			return new ClockUser(anyClock);
		}

		@Bean
		ClockUser engineClockUser(@Qualifier(InngestLocalAutoConfiguration.CLOCK_BEAN_NAME) Clock clock) {
			return new ClockUser(clock);
		}

	}

	record ClockUser(Clock clock) {

	}

	@Configuration(proxyBeanMethods = false)
	static class NeedsClient {

		@Bean
		String orderService(InngestClient inngest) {
			return "orders";
		}

	}

}
