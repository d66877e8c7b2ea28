package io.github.sidecarchannels.rpc;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

import com.sun.management.ThreadMXBean;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Single-threaded cost of the JSON-RPC layer per call, as nanoseconds and heap bytes per
 * operation: writing a request ({@code echo} with {@code {"message": 64 chars}}) and
 * reading its success response into the caller's type, the tree way the layer used to (an
 * {@code ObjectNode} envelope, {@code valueToTree} of the params, {@code readTree} of the
 * frame, {@code treeToValue} of the result) against the streaming way it works now
 * ({@link JsonRpcMessages#request}, {@link ResponseScanner}: with the caller's type
 * known, the result bound during the scan; unknown, bound from its slice afterwards). In
 * this package because both are package-private. <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *   io.github.sidecarchannels.rpc.RpcHotSpots
 * </pre>
 */
public final class RpcHotSpots {

	private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

	private static volatile Object sink;

	/** The benchmark's params and result shape. */
	record Message(String message) {
	}

	private RpcHotSpots() {
	}

	public static void main(String[] args) {
		JsonMapper mapper = SidecarRpcs.defaultMapper();
		JavaType type = mapper.constructType(Message.class);
		JsonRpcMessages messages = new JsonRpcMessages(mapper);
		ResponseScanner scanner = new ResponseScanner(mapper, (id) -> type);
		ResponseScanner typeUnknown = new ResponseScanner(mapper, (id) -> null);
		Message params = new Message("x".repeat(64));
		String text = "{\"jsonrpc\":\"2.0\",\"id\":12345,\"result\":{\"message\":\"" + "x".repeat(64) + "\"}}";
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		for (int round = 0; round < 3; round++) {
			report("request, tree (before)", 1_000_000, () -> {
				ObjectNode request = JsonNodeFactory.instance.objectNode();
				request.put("jsonrpc", "2.0");
				request.put("method", "echo");
				request.set("params", mapper.valueToTree(params));
				request.put("id", 12345L);
				return mapper.writeValueAsBytes(request);
			});
			report("request, streaming (after)", 1_000_000, () -> messages.request(12345L, "echo", params));
			for (Object frame : new Object[] { text, bytes }) {
				String kind = (frame instanceof String) ? "text" : "bytes";
				report("response " + kind + ", tree (before)", 1_000_000, () -> {
					JsonNode node = (frame instanceof String s) ? mapper.readTree(s) : mapper.readTree((byte[]) frame);
					if (node.get("method") != null || node.get("error") != null || !node.has("result")) {
						throw new IllegalStateException();
					}
					return mapper.treeToValue(node.path("result"), type);
				});
				report("response " + kind + ", streaming (after)", 1_000_000,
						() -> scanner.scan(frame).result(mapper, type));
				report("response " + kind + ", streaming, type unknown", 1_000_000,
						() -> typeUnknown.scan(frame).result(mapper, type));
			}
		}
	}

	private static void report(String what, int count, Supplier<Object> operation) {
		long thread = Thread.currentThread().getId();
		long bytesBefore = THREADS.getThreadAllocatedBytes(thread);
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			sink = operation.get();
		}
		long nanos = System.nanoTime() - start;
		long bytes = THREADS.getThreadAllocatedBytes(thread) - bytesBefore;
		System.out.printf(Locale.ROOT, "%-40s %8.1f ns/op %8.1f B/op%n", what, (double) nanos / count,
				(double) bytes / count);
	}

}
