package io.github.sidecarchannels.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarStateChangedEvent;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state-change event moved to the core package; listeners of the new type and of the
 * deprecated old one both receive every change.
 */
class SidecarStateChangedEventTests {

	private final List<SidecarStateChangedEvent> current = new CopyOnWriteArrayList<>();

	private final List<Object> former = new CopyOnWriteArrayList<>();

	@Test
	void listenersOfTheNewAndTheDeprecatedTypeBothReceiveEveryChange() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class))
			.withPropertyValues("sidecar.processes.echo.command=cat")
			.withBean("current", ApplicationListener.class,
					() -> (ApplicationListener<SidecarStateChangedEvent>) this.current::add)
			.withBean("former", ApplicationListener.class, this::formerTypeListener)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.current).extracting(SidecarStateChangedEvent::getCurrent)
			.containsExactly(SidecarState.STARTING, SidecarState.RUNNING, SidecarState.STOPPING, SidecarState.STOPPED);
		assertThat(this.former).containsExactlyElementsOf(this.current);
		assertThat(this.current).allSatisfy((event) -> assertThat(event.getSidecar().name()).isEqualTo("echo"));
	}

	@SuppressWarnings("deprecation")
	private ApplicationListener<io.github.sidecarchannels.autoconfigure.SidecarStateChangedEvent> formerTypeListener() {
		return this.former::add;
	}

}
