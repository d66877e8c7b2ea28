package io.github.sidecarchannels.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarExitedException;
import io.github.sidecarchannels.core.SidecarInstanceStatus;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code instances}: pools of real Python children behind one sidecar.
 */
class SidecarPoolTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void poolOfThreeSurvivesKillOfOneInstanceDuringFiveThousandPipelinedRequests() throws Exception {
		this.runner
			.withPropertyValues("sidecar.processes.pool.command=python3," + Children.script("pool_worker.py"),
					"sidecar.processes.pool.instances=3", "sidecar.processes.pool.restart.initial-delay=100ms")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.pool", Sidecar.class);
				List<SidecarInstanceStatus> before = sidecar.status().instances();
				assertThat(before).extracting(SidecarInstanceStatus::state).containsOnly(SidecarState.RUNNING);
				long victim = before.get(1).pid();
				List<CompletableFuture<Message<?>>> replies = new ArrayList<>();
				for (int i = 0; i < 5000; i++) {
					replies.add(sidecar.requestAsync("r" + i, TIMEOUT));
					if (i == 1000) {
						ProcessHandle.of(victim).orElseThrow().destroyForcibly();
					}
				}
				CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new))
					.exceptionally((failure) -> null)
					.get(120, TimeUnit.SECONDS);
				Map<String, Integer> byInstance = new TreeMap<>();
				for (int i = 0; i < replies.size(); i++) {
					String outcome = outcome(replies.get(i), "r" + i);
					byInstance.merge(outcome, 1, Integer::sum);
				}
				assertThat(byInstance.keySet()).containsAnyOf("0", "2").doesNotContain("wrong");
				assertThat(byInstance.getOrDefault("0", 0) + byInstance.getOrDefault("2", 0)).isGreaterThan(2500);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> sidecar.status().instances().get(1).state() == SidecarState.RUNNING
							&& sidecar.status().instances().get(1).pid() != victim);
				assertThat(sidecar.status().instances().get(1).restarts()).isEqualTo(1);
				Set<String> servedBy = new HashSet<>();
				for (int i = 0; i < 30; i++) {
					servedBy.add(((String) sidecar.request("again", TIMEOUT).getPayload()).split(":")[0]);
				}
				assertThat(servedBy).contains("1");
				assertThat(sidecar.state()).isEqualTo(SidecarState.RUNNING);
			});
	}

	/**
	 * @return the instance that answered, "exited"/"timeout" for a typed failure, "wrong"
	 * for another's reply
	 */
	private static String outcome(CompletableFuture<Message<?>> reply, String request) {
		try {
			String[] answer = ((String) reply.join().getPayload()).split(":", 2);
			return answer[1].equals(request) ? answer[0] : "wrong";
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof SidecarExitedException) {
				return "exited";
			}
			if (ex.getCause() instanceof SidecarTimeoutException) {
				return "timeout";
			}
			throw ex;
		}
	}

	@Test
	void unwrittenMessagesAndRequestsOfAKilledInstanceGoToTheReadyOneWithNothingLostOrDuplicated(@TempDir Path dir) {
		Path go = dir.resolve("go");
		Path record = dir.resolve("record");
		this.runner
			.withPropertyValues("sidecar.processes.pool.command=python3," + Children.script("pool_handover.py"),
					"sidecar.processes.pool.instances=2", "sidecar.processes.pool.startup.ready=message",
					"sidecar.processes.pool.auto-startup=false", "sidecar.processes.pool.restart.initial-delay=30s",
					"sidecar.processes.pool.environment.GO_FILE=" + go,
					"sidecar.processes.pool.environment.RECORD_FILE=" + record)
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.pool", Sidecar.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				BlockingQueue<Message<?>> errors = SidecarChannelsTests.subscribe(sidecar.errors());
				sidecar.start();
				await().atMost(TIMEOUT).until(() -> instance(sidecar, 1).state() == SidecarState.RUNNING);
				assertThat(instance(sidecar, 0).state()).isEqualTo(SidecarState.STARTING);
				// Instance 1 is the only ready one and reads nothing: everything goes to
				// it.
				// 200 unwritten messages of 8 KiB are far more than its socket can hold.
				Set<String> messages = new HashSet<>();
				Map<String, CompletableFuture<Message<?>>> requests = new TreeMap<>();
				String filler = ":" + "x".repeat(8 * 1024);
				for (int i = 0; i < 5000 && i - written(meters, "pool", 1) < 200; i++) {
					if (i % 2 == 0) {
						sidecar.outbound().send(MessageBuilder.withPayload("m" + i + filler).build());
						messages.add("m" + i);
					}
					else {
						requests.put("r" + i, sidecar.requestAsync("r" + i + filler, TIMEOUT));
					}
				}
				int sent = messages.size() + requests.size();
				Files.createFile(go);
				await().atMost(TIMEOUT).until(() -> instance(sidecar, 0).state() == SidecarState.RUNNING);
				ProcessHandle.of(instance(sidecar, 1).pid()).orElseThrow().destroyForcibly();
				CompletableFuture.allOf(requests.values().toArray(CompletableFuture[]::new))
					.exceptionally((failure) -> null)
					.get(120, TimeUnit.SECONDS);
				Map<String, Integer> requestOutcomes = new TreeMap<>();
				requests.forEach((id, reply) -> requestOutcomes.merge(outcome(reply, id), 1, Integer::sum));
				assertThat(requestOutcomes.keySet()).containsOnly("0", "exited");
				await().atMost(TIMEOUT).until(() -> recorded(record).size() + errors.size() >= messages.size());
				List<String> delivered = recorded(record);
				// Order is kept per instance: what moved arrives in the order it was
				// sent.
				assertThat(delivered)
					.isSortedAccordingTo(Comparator.comparingInt((id) -> Integer.parseInt(id.substring(1))));
				List<String> accounted = new ArrayList<>(delivered);
				errors.forEach((error) -> accounted.add(failedPayloadId(error)));
				assertThat(accounted).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(messages);
				// What instance 1 wrote was never read: reported or failed. Everything
				// else
				// moved to instance 0 and was delivered there, each once.
				int answered = requestOutcomes.getOrDefault("0", 0);
				assertThat(written(meters, "pool", 0) + written(meters, "pool", 1)).isEqualTo(sent);
				assertThat(delivered.size() + answered).isEqualTo(written(meters, "pool", 0))
					.isGreaterThanOrEqualTo(100);
				assertThat(errors.size() + requestOutcomes.getOrDefault("exited", 0))
					.isEqualTo(written(meters, "pool", 1));
				assertThat(answered).isPositive();
				assertThat(delivered).isNotEmpty();
				// Every max-in-flight slot and queue place was given back on both.
				assertThat(instance(sidecar, 1).state()).isEqualTo(SidecarState.RESTARTING);
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(sidecar.status().instances())
						.extracting(SidecarInstanceStatus::outstanding)
						.containsExactly(0, 0));
				assertThat(sidecar.request("r-after" + filler, TIMEOUT).getPayload()).isEqualTo("0:r-after");
			});
	}

	@Test
	void unwrittenJsonRpcCallsOfAKilledInstanceAreAnsweredByTheReadyOne(@TempDir Path dir) {
		Path go = dir.resolve("go");
		this.runner
			.withPropertyValues("sidecar.processes.rpc.command=python3," + Children.script("rpc_pool_handover.py"),
					"sidecar.processes.rpc.protocol=json-rpc", "sidecar.processes.rpc.instances=2",
					"sidecar.processes.rpc.startup.ready=message", "sidecar.processes.rpc.auto-startup=false",
					"sidecar.processes.rpc.restart.initial-delay=30s",
					"sidecar.processes.rpc.environment.GO_FILE=" + go)
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.rpc", Sidecar.class);
				SidecarRpc rpc = context.getBean("sidecar.rpc.rpc", SidecarRpc.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				sidecar.start();
				await().atMost(TIMEOUT).until(() -> instance(sidecar, 1).state() == SidecarState.RUNNING);
				Map<Integer, CompletableFuture<Echo>> calls = new TreeMap<>();
				String filler = "x".repeat(8 * 1024);
				for (int i = 0; i < 5000 && i - written(meters, "rpc", 1) < 200; i++) {
					calls.put(i, rpc.callAsync("echo", new EchoParams(i, filler), Echo.class, TIMEOUT));
				}
				Files.createFile(go);
				await().atMost(TIMEOUT).until(() -> instance(sidecar, 0).state() == SidecarState.RUNNING);
				ProcessHandle.of(instance(sidecar, 1).pid()).orElseThrow().destroyForcibly();
				int answered = 0;
				for (Map.Entry<Integer, CompletableFuture<Echo>> call : calls.entrySet()) {
					try {
						Echo echo = call.getValue().get(120, TimeUnit.SECONDS);
						assertThat(echo).isEqualTo(new Echo(0, call.getKey()));
						answered++;
					}
					catch (ExecutionException ex) {
						assertThat(ex).hasCauseInstanceOf(SidecarExitedException.class);
					}
				}
				assertThat(answered).isEqualTo(written(meters, "rpc", 0)).isGreaterThanOrEqualTo(100);
				assertThat(written(meters, "rpc", 0) + written(meters, "rpc", 1)).isEqualTo(calls.size());
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(sidecar.status().instances())
						.extracting(SidecarInstanceStatus::outstanding)
						.containsExactly(0, 0));
				assertThat(rpc.call("echo", new EchoParams(-1, ""), Echo.class)).isEqualTo(new Echo(0, -1));
			});
	}

	/**
	 * @return how many messages and requests were written to the instance's socket
	 */
	private static int written(MeterRegistry meters, String sidecar, int instance) {
		Counter counter = meters.find("sidecar.messages.sent")
			.tags("sidecar", sidecar, "instance", String.valueOf(instance))
			.counter();
		return (counter != null) ? (int) counter.count() : 0;
	}

	record EchoParams(int id, String filler) {
	}

	record Echo(int instance, int id) {
	}

	private static List<String> recorded(Path record) throws IOException {
		return Files.exists(record) ? Files.readAllLines(record) : List.of();
	}

	private static SidecarInstanceStatus instance(Sidecar sidecar, int index) {
		return sidecar.status().instances().get(index);
	}

	private static String failedPayloadId(Message<?> error) {
		MessageDeliveryException failure = (MessageDeliveryException) error.getPayload();
		assertThat(failure).hasMessageContaining("the child never read it");
		return ((String) failure.getFailedMessage().getPayload()).split(":", 2)[0];
	}

	@Test
	void slowInstanceGetsFewerRequests() {
		this.runner
			.withPropertyValues("sidecar.processes.pool.command=python3," + Children.script("pool_worker.py"),
					"sidecar.processes.pool.instances=2", "sidecar.processes.pool.environment.SLOW_INSTANCE=1")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.pool", Sidecar.class);
				// Four callers, each waiting for its reply before the next request, as
				// web requests do.
				Map<String, Integer> byInstance = new ConcurrentHashMap<>();
				List<Thread> callers = new ArrayList<>();
				for (int caller = 0; caller < 4; caller++) {
					int id = caller;
					Thread thread = new Thread(() -> {
						for (int i = 0; i < 100; i++) {
							String request = "c" + id + "-" + i;
							byInstance.merge(outcome(sidecar.requestAsync(request, TIMEOUT), request), 1, Integer::sum);
						}
					});
					thread.start();
					callers.add(thread);
				}
				for (Thread caller : callers) {
					caller.join();
				}
				assertThat(byInstance.keySet()).containsExactlyInAnyOrder("0", "1");
				assertThat(byInstance.get("0") + byInstance.get("1")).isEqualTo(400);
				assertThat(byInstance.get("1")).isLessThan(byInstance.get("0") / 2);
			});
	}

	@Test
	void jsonRpcPoolSpreadsCallsAndMetersAndStatusShowEachInstance() {
		this.runner
			.withPropertyValues("sidecar.processes.rpc.command=python3," + Children.script("rpc_pool_worker.py"),
					"sidecar.processes.rpc.protocol=json-rpc", "sidecar.processes.rpc.instances=2")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.rpc", Sidecar.class);
				SidecarRpc rpc = context.getBean("sidecar.rpc.rpc", SidecarRpc.class);
				List<CompletableFuture<Whoami>> calls = new ArrayList<>();
				for (int i = 0; i < 200; i++) {
					calls.add(rpc.callAsync("whoami", null, Whoami.class, TIMEOUT));
				}
				Set<Integer> instances = new HashSet<>();
				for (CompletableFuture<Whoami> call : calls) {
					Whoami whoami = call.get(30, TimeUnit.SECONDS);
					assertThat(whoami.instances()).isEqualTo(2);
					assertThat(whoami.pid()).isEqualTo(sidecar.status().instances().get(whoami.instance()).pid());
					instances.add(whoami.instance());
				}
				assertThat(instances).containsExactlyInAnyOrder(0, 1);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				for (String instance : List.of("0", "1")) {
					assertThat(meters.get("sidecar.messages.sent")
						.tags("sidecar", "rpc", "instance", instance)
						.counter()
						.count()).isPositive();
				}
				assertThat(meters.get("sidecar.up").tags("sidecar", "rpc").gauges()).extracting(Gauge::value)
					.containsExactlyInAnyOrder(1.0, 1.0);
				assertThat(sidecar.status().instances()).extracting(SidecarInstanceStatus::instance)
					.containsExactly(0, 1);
				assertThat(sidecar.status().instances()).extracting(SidecarInstanceStatus::pid).doesNotHaveDuplicates();
			});
	}

	@Test
	void inboundOfEveryInstanceReachesTheOneChannelWithItsInstanceHeader() {
		this.runner
			.withPropertyValues("sidecar.processes.pool.command=python3," + Children.script("loads_then_ready.py"),
					"sidecar.processes.pool.instances=2", "sidecar.processes.pool.startup.ready=message",
					"sidecar.processes.pool.auto-startup=false", "sidecar.processes.pool.environment.READY_DELAY=0.5")
			.run((context) -> {
				Sidecar sidecar = context.getBean("sidecar.pool", Sidecar.class);
				BlockingQueue<Message<?>> received = SidecarChannelsTests.subscribe(sidecar.inbound());
				sidecar.start();
				Set<Object> headers = new HashSet<>();
				for (int i = 0; i < 2; i++) {
					Message<?> message = received.poll(30, TimeUnit.SECONDS);
					assertThat(message.getPayload()).isEqualTo("bytes-before-ready:no");
					headers.add(message.getHeaders().get(Sidecar.INSTANCE_HEADER));
				}
				assertThat(headers).containsExactlyInAnyOrder(0, 1);
				await().atMost(Duration.ofSeconds(30)).until(() -> sidecar.state() == SidecarState.RUNNING);
			});
	}

	@Test
	void singleInstanceSidecarMetersCarryInstanceZero() {
		this.runner.withPropertyValues("sidecar.processes.one.command=cat").run((context) -> {
			Sidecar sidecar = context.getBean("sidecar.one", Sidecar.class);
			assertThat(sidecar.request("x", TIMEOUT).getHeaders().get(Sidecar.INSTANCE_HEADER)).isEqualTo(0);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("sidecar.up").tags("sidecar", "one", "instance", "0").gauge().value()).isEqualTo(1.0);
			assertThat(sidecar.status().instances()).hasSize(1);
		});
	}

	record Whoami(int instance, int instances, long pid) {
	}

}
