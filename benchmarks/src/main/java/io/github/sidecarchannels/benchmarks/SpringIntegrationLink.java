package io.github.sidecarchannels.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.ip.tcp.TcpOutboundGateway;
import org.springframework.integration.ip.tcp.connection.CachingClientConnectionFactory;
import org.springframework.integration.ip.tcp.connection.TcpNetClientConnectionFactory;
import org.springframework.integration.ip.tcp.serializer.ByteArrayLengthHeaderSerializer;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.GenericMessage;

/**
 * What a Spring user would pick instead: Spring Integration's TCP outbound gateway over
 * 127.0.0.1 with its 4-byte length-header serializer, to the tcpecho child. A gateway has
 * one request outstanding per connection, so the window is a
 * {@link CachingClientConnectionFactory} pool of that many connections, with
 * {@code async} replies for the pipelined workloads (the sender does not wait; replies
 * arrive on the connections' reader threads) and the plain blocking gateway for round
 * trips. TCP_NODELAY is on, as any latency-minded user would set it.
 */
// The benchmark compares against Spring Integration's TCP gateway as it ships today; its
// deprecation
// for removal is upstream's plan, not a choice of this comparison.
@SuppressWarnings("removal")
final class SpringIntegrationLink extends Link {

	/** Room for the 1 MiB workload; the serializer's default limit is 2048 bytes. */
	private static final int MAX_MESSAGE = 1024 * 1024 + 1024;

	private static final long TIMEOUT_MILLIS = 60_000;

	private final Process server;

	/**
	 * The integration infrastructure an application would have (evaluation context,
	 * channel resolver): created once per JVM, like an application context, so spawn
	 * times count only the gateway's own setup.
	 */
	private static AnnotationConfigApplicationContext context;

	private CachingClientConnectionFactory connections;

	private TcpOutboundGateway gateway;

	private SpringIntegrationLink(List<String> tcpecho, int window) throws IOException {
		this.server = new ProcessBuilder(tcpecho).redirectError(Redirect.INHERIT).start();
		try {
			connect(readPort(), window);
		}
		catch (IOException | RuntimeException ex) {
			close();
			throw ex;
		}
	}

	private int readPort() throws IOException {
		BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.server.getInputStream(), StandardCharsets.US_ASCII));
		String line = lines.readLine();
		if (line == null) {
			throw new IOException("tcpecho exited before printing its port");
		}
		return Integer.parseInt(line.trim());
	}

	private static synchronized AnnotationConfigApplicationContext context() {
		if (context == null) {
			context = new AnnotationConfigApplicationContext(IntegrationInfrastructure.class);
		}
		return context;
	}

	private void connect(int port, int window) {
		AnnotationConfigApplicationContext context = context();
		ByteArrayLengthHeaderSerializer serializer = new ByteArrayLengthHeaderSerializer();
		serializer.setMaxMessageSize(MAX_MESSAGE);
		TcpNetClientConnectionFactory target = new TcpNetClientConnectionFactory("127.0.0.1", port);
		target.setSerializer(serializer);
		target.setDeserializer(serializer);
		target.setSoTcpNoDelay(true);
		target.setBeanFactory(context.getBeanFactory());
		target.setApplicationEventPublisher(context);
		this.connections = new CachingClientConnectionFactory(target, window);
		this.connections.setBeanFactory(context.getBeanFactory());
		this.connections.setApplicationEventPublisher(context);
		this.connections.setConnectionWaitTimeout((int) TIMEOUT_MILLIS);
		this.gateway = new TcpOutboundGateway();
		this.gateway.setConnectionFactory(this.connections);
		this.gateway.setRequestTimeout(TIMEOUT_MILLIS);
		boolean async = window > 1;
		this.gateway.setAsync(async);
		// In 7.0.5 an async request's no-response timer is never cancelled (the gateway
		// completes the
		// future returned by thenApply, so the cancelling function never runs): every
		// request and its
		// payload stay on the task scheduler until the remote timeout, which exhausted a
		// 1 GiB heap at
		// 1 MiB per message. Async runs therefore go without a remote timeout; the
		// harness has its own.
		this.gateway.setRemoteTimeout(async ? 0 : TIMEOUT_MILLIS);
		MessageChannel replies = (message, timeout) -> {
			this.sink.arrived(Payloads.size(message.getPayload()));
			return true;
		};
		this.gateway.setOutputChannel(replies);
		this.gateway.setBeanFactory(context.getBeanFactory());
		target.afterPropertiesSet();
		this.connections.afterPropertiesSet();
		this.gateway.afterPropertiesSet();
		this.gateway.start();
	}

	static Link.Factory factory(RunnerOptions options) {
		List<String> tcpecho = options.helperChild("tcpecho");
		return (window) -> new SpringIntegrationLink(tcpecho, window);
	}

	@Override
	void send(Object payload) {
		this.gateway.handleMessage(new GenericMessage<>(payload));
	}

	/**
	 * Stops the gateway's connections, then the server: tcpecho exits when its stdin
	 * closes.
	 */
	@Override
	public void close() throws IOException {
		try {
			if (this.gateway != null) {
				this.gateway.stop();
			}
			if (this.connections != null) {
				this.connections.stop();
			}
		}
		finally {
			this.server.getOutputStream().close();
			try {
				if (!this.server.waitFor(10, TimeUnit.SECONDS)) {
					this.server.destroyForcibly().waitFor();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.server.destroyForcibly();
			}
		}
	}

	/** {@code @EnableIntegration}, as in any Spring Integration application. */
	@Configuration(proxyBeanMethods = false)
	@EnableIntegration
	static class IntegrationInfrastructure {

	}

}
