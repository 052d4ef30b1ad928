package dev.durable.inngest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of the starter depend on each other one way, as their imports say: no
 * package reaches itself again, and the engine knows nothing of the JDBC store, the web
 * or Actuator.
 */
class PackageDependenciesTests {

	private static final String ROOT = "dev.durable.inngest";

	private static final Pattern IMPORT = Pattern
		.compile("^import (?:static )?(" + Pattern.quote(ROOT) + "(?:\\.[a-z]+)*)\\.[A-Z]", Pattern.MULTILINE);

	private static final Map<String, Set<String>> dependencies = new TreeMap<>();

	@BeforeAll
	static void readImports() throws IOException {
		Path sources = Path.of("src/main/java");
		try (Stream<Path> files = Files.walk(sources.resolve(ROOT.replace('.', '/')))) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
				String pkg = String.join(".", sources.relativize(file.getParent()).toString().split("[/\\\\]"));
				Set<String> used = dependencies.computeIfAbsent(pkg, (key) -> new TreeSet<>());
				Matcher imports = IMPORT.matcher(Files.readString(file));
				while (imports.find()) {
					if (!imports.group(1).equals(pkg)) {
						used.add(imports.group(1));
					}
				}
			}
		}
	}

	@Test
	void noPackageDependsOnItselfThroughOthers() {
		assertThat(dependencies).containsKeys(ROOT + ".engine", ROOT + ".local");
		for (String pkg : dependencies.keySet()) {
			assertThat(reachableFrom(pkg)).as("the packages %s depends on", pkg).doesNotContain(pkg);
		}
	}

	@Test
	void theEngineKnowsNothingOfTheStoreItsTransportOrActuator() {
		assertThat(reachableFrom(ROOT + ".engine")).doesNotContain(ROOT + ".local", ROOT + ".web", ROOT + ".remote",
				ROOT + ".actuate", ROOT + ".autoconfigure");
	}

	private static Set<String> reachableFrom(String pkg) {
		Set<String> reached = new HashSet<>();
		Deque<String> next = new ArrayDeque<>(dependencies.getOrDefault(pkg, Set.of()));
		while (!next.isEmpty()) {
			String dependency = next.pop();
			if (reached.add(dependency)) {
				next.addAll(dependencies.getOrDefault(dependency, Set.of()));
			}
		}
		return reached;
	}

}
