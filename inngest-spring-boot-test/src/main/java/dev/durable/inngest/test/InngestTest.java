package dev.durable.inngest.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.parallel.ResourceLock;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;

/**
 * Tests an application's durable functions: starts it as
 * {@link SpringBootTest @SpringBootTest} does, without starting a web server unless
 * {@link #webEnvironment()} says so (a mock one, if the application is a web
 * application), with the engine's store in memory and none of its threads, and gives an
 * {@link InngestTestEnvironment} to inject. Time stands still at
 * {@link InngestTestClock#START} until the test moves it, and runs execute when it sends
 * an event or moves time, on one engine thread that the test's thread waits for, so that
 * a test of a day-long sleep takes milliseconds and gives the same result every time, and
 * a step sees none of the test's thread-bound state (its transaction, its security
 * context), as on the engine's workers. Each test starts from an empty store, the clock
 * at its start, and no step mocked. <pre class="code">
 * &#64;InngestTest
 * class OrderWorkflowTests {
 *
 * 	&#64;Autowired
 * 	InngestTestEnvironment inngest;
 *
 * 	&#64;Test
 * 	void shipsAfterTheCoolOff() {
 * 		String runId = inngest.send(Event.of("shop/order.placed", order)).runId();
 * 		inngest.advance(Duration.ofHours(24));
 * 		assertThat(inngest.run(runId)).isCompleted().step("ship").hasAttempts(1);
 * 	}
 *
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
// A mock web environment unless the test asks for a server: security and MVC
// configurations of the application still load.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@Import(InngestTestConfiguration.class)
// Every test drives, and resets, the one engine of its context: tests run concurrently
// would see each other's runs, mocks and time.
@ResourceLock(InngestTest.ENGINE_LOCK)
public @interface InngestTest {

	/**
	 * The JUnit resource every {@code @InngestTest} class locks: its tests never run at
	 * the same time as another's, even with JUnit's parallel execution on.
	 */
	String ENGINE_LOCK = "dev.durable.inngest.test.InngestTestEnvironment";

	/**
	 * Properties added to the test's environment, in {@code key=value} form. They win
	 * over the application's configuration and over the defaults of {@code @InngestTest}
	 * (the store in memory, no retention, no back-off jitter), so that
	 * {@code properties = "inngest.local.store=jdbc"} tests on the application's
	 * database. The properties the test engine needs ({@code inngest.mode=local},
	 * {@code inngest.local.auto-startup=false},
	 * {@code inngest.local.eager-start.enabled=false}) cannot be set otherwise: the test
	 * fails before its context starts if it tries, here or in a file of
	 * {@code @TestPropertySource(locations)}.
	 * @return the properties
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "properties")
	String[] properties() default {};

	/**
	 * The configuration classes of the application, if not found from the test's package
	 * as {@link SpringBootTest#classes()} finds them.
	 * @return the classes
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "classes")
	Class<?>[] classes() default {};

	/**
	 * The web environment, as {@link SpringBootTest#webEnvironment()} sets it: a mock one
	 * by default, or a server on a random port for a test over real HTTP. A test class is
	 * not also annotated with {@code @SpringBootTest}: it fails before its context
	 * starts, as {@code @SpringBootTest}'s attributes would replace these.
	 * <pre class="code">
	 * &#64;InngestTest(webEnvironment = WebEnvironment.RANDOM_PORT)
	 * class OrderApiTests {
	 *
	 * 	&#64;LocalServerPort
	 * 	int port;
	 *
	 * }
	 * </pre>
	 * @return the web environment
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "webEnvironment")
	SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.MOCK;

	/**
	 * The application arguments, as {@link SpringBootTest#args()} gives them.
	 * @return the arguments
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "args")
	String[] args() default {};

	/**
	 * Whether the application's {@code main} method starts the test's context, as
	 * {@link SpringBootTest#useMainMethod()} says: for an application that sets itself up
	 * there, with a {@code SpringApplicationBuilder} or initializers.
	 * @return when to use the main method
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "useMainMethod")
	SpringBootTest.UseMainMethod useMainMethod() default SpringBootTest.UseMainMethod.NEVER;

}
