package io.github.sidecarchannels.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import io.github.sidecarchannels.core.Sidecar;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Run in a separate JVM by {@link SidecarInterruptTests}: starts a slow replying Python
 * sidecar that does not ignore SIGINT, sends it 1,000 requests, prints {@code READY}, and
 * on shutdown (the test's SIGINT to the process group) closes the context, then prints
 * how the requests ended:
 * {@code RESULT <answered> <never read> <other failures> <first other failure>}.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration(SidecarAutoConfiguration.class)
public class InterruptCheckApplication {

	static final int REQUESTS = 1000;

	public static void main(String[] args) throws InterruptedException {
		SpringApplication application = new SpringApplication(InterruptCheckApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		ConfigurableApplicationContext context = application.run(
				"--sidecar.processes.slow.command=python3," + args[0] + "," + args[1] + ",100,reply",
				"--sidecar.processes.slow.stop-timeout=30s");
		Sidecar sidecar = context.getBean("sidecar.slow", Sidecar.class);
		List<CompletableFuture<Message<?>>> replies = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			replies.add(sidecar.requestAsync(String.format("%08d", i) + "-".repeat(91), Duration.ofMinutes(1)));
		}
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			context.close();
			System.out.println(result(replies));
			System.out.flush();
		}));
		System.out.println("READY " + sidecar.pid());
		System.out.flush();
		new CountDownLatch(1).await();
	}

	private static String result(List<CompletableFuture<Message<?>>> replies) {
		int answered = 0;
		int neverRead = 0;
		List<String> other = new ArrayList<>();
		for (CompletableFuture<Message<?>> reply : replies) {
			try {
				reply.join();
				answered++;
			}
			catch (RuntimeException ex) {
				String message = String.valueOf(ex.getCause());
				if (message.contains("did not take the request")) {
					neverRead++;
				}
				else {
					other.add(message.replace('\n', ' '));
				}
			}
		}
		return "RESULT " + answered + " " + neverRead + " " + other.size() + " "
				+ (other.isEmpty() ? "-" : other.get(0));
	}

}
