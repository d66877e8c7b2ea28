package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.github.sidecarchannels.core.Sidecar;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stderr of every child is read by one thread for the JVM, not one thread per child.
 */
class SidecarStderrThreadsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final int SIDECARS = 5;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class));

	@Test
	void fiveRunningSidecarsShareOneStderrPollerThread() {
		String[] properties = IntStream.range(0, SIDECARS)
			.mapToObj((i) -> "sidecar.processes.cat" + i + ".command=cat")
			.toArray(String[]::new);
		this.runner.withPropertyValues(properties).run((context) -> {
			for (int i = 0; i < SIDECARS; i++) {
				Sidecar sidecar = context.getBean("sidecar.cat" + i, Sidecar.class);
				// A reply proves the child runs and its stderr is registered.
				assertThat(sidecar.request("ping " + i, TIMEOUT).getPayload()).isEqualTo("ping " + i);
			}
			List<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
			assertThat(names).noneMatch((name) -> name.startsWith("sidecar-") && name.endsWith("-stderr"));
			assertThat(names).filteredOn((name) -> name.equals("sidecar-stderr-poller")).hasSize(1);
		});
	}

}
