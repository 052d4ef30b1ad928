package dev.durable.inngest.test.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application with durable functions, for the tests of the test module.
 */
@SpringBootApplication
public class TestApplication {

}
