package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole Boot application using the starter the way a user would: properties and
 * injected beans.
 */
@SpringBootTest(classes = SidecarSpringBootTests.UpperApplication.class)
class SidecarSpringBootTests {

	@DynamicPropertySource
	static void sidecars(DynamicPropertyRegistry registry) {
		registry.add("sidecar.processes.upper.command[0]", () -> "python3");
		registry.add("sidecar.processes.upper.command[1]", () -> Children.script("upper.py"));
	}

	@Autowired
	@Qualifier("sidecar.upper")
	private Sidecar upper;

	@Autowired
	@Qualifier("sidecar.upper.outbound")
	private MessageChannel toUpper;

	@Autowired
	@Qualifier("sidecar.upper.inbound")
	private SubscribableChannel fromUpper;

	@Autowired
	private SidecarRegistry registry;

	@Autowired
	private MeterRegistry meters;

	@Test
	void injectedBeansTalkToTheChild() throws InterruptedException {
		assertThat(this.upper.request("request/reply", Duration.ofSeconds(30)).getPayload()).isEqualTo("REQUEST/REPLY");
		BlockingQueue<Message<?>> received = SidecarChannelsTests.subscribe(this.fromUpper);
		this.toUpper.send(MessageBuilder.withPayload("over the channels").build());
		assertThat(received.poll(30, TimeUnit.SECONDS).getPayload()).isEqualTo("OVER THE CHANNELS");
		assertThat(this.registry.all()).containsExactly(this.upper);
		assertThat(this.meters.get("sidecar.messages.received").tag("sidecar", "upper").counter().count()).isEqualTo(2);
	}

	@SpringBootApplication
	static class UpperApplication {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
