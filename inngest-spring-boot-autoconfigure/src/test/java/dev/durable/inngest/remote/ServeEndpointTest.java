package dev.durable.inngest.remote;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.FakePlatform;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfiguration;

/**
 * The remote test application in cloud mode on a random port, its API on a
 * {@link FakePlatform} bean. Test classes annotated with it share one application
 * context, so the application starts once for all of them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = RemoteTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.mode=remote", "inngest.app-id=orders",
				"inngest.signing-key=" + RemoteTestApplication.SIGNING_KEY,
				"inngest.signing-key-fallback=" + RemoteTestApplication.FALLBACK_KEY,
				"inngest.event-key=evt-key-example", "inngest.sync.on-startup=false", "inngest.env=feature-x",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
@ContextConfiguration(initializers = ServeEndpointTest.Platform.class)
@interface ServeEndpointTest {

	/**
	 * Starts the fake platform before the context reads its properties and closes it with
	 * the context.
	 */
	class Platform implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			FakePlatform platform = FakePlatform.start();
			context.getBeanFactory().registerSingleton("fakePlatform", platform);
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("fakePlatform", Map.of("inngest.api-base-url", platform.origin())));
			context.addApplicationListener((ApplicationListener<ContextClosedEvent>) (event) -> platform.close());
		}

	}

}
