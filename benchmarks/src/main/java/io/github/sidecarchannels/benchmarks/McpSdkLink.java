package io.github.sidecarchannels.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.databind.json.JsonMapper;

/**
 * What MCP users drive a server with: the MCP Java SDK's async client over its
 * {@link StdioClientTransport} (the SDK starts the child with {@code ProcessBuilder} and
 * speaks newline-delimited JSON on its stdin/stdout), a real {@code initialize}
 * handshake, then {@code tools/call echo} with {@code {"message": ...}} per message; the
 * reply is the text content.
 */
final class McpSdkLink extends Link {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final McpAsyncClient client;

	private McpSdkLink(List<String> child) {
		ServerParameters parameters = ServerParameters.builder(child.get(0))
			.args(child.subList(1, child.size()))
			.build();
		StdioClientTransport transport = new StdioClientTransport(parameters,
				new JacksonMcpJsonMapper(JsonMapper.builder().build()));
		this.client = McpClient.async(transport).requestTimeout(TIMEOUT).initializationTimeout(TIMEOUT).build();
		this.client.initialize().block(TIMEOUT);
	}

	static Link.Factory factory(RunnerOptions options) {
		List<String> child = RpcEcho.command(options, "lines");
		return (window) -> new McpSdkLink(child);
	}

	@Override
	Object payload(int size) {
		return new McpSchema.CallToolRequest("echo", Map.of("message", Payloads.text(size)));
	}

	@Override
	void send(Object payload) {
		this.client.callTool((McpSchema.CallToolRequest) payload)
			.subscribe((result) -> this.sink.arrived(size(result)), this.sink::failed);
	}

	@Override
	void roundTrip(Object payload) throws Exception {
		McpSchema.CallToolResult result = this.client.callTool((McpSchema.CallToolRequest) payload).block(TIMEOUT);
		this.sink.acquire();
		this.sink.arrived(size(result));
	}

	private static int size(McpSchema.CallToolResult result) {
		if (result == null || Boolean.TRUE.equals(result.isError()) || result.content().size() != 1
				|| !(result.content().get(0) instanceof McpSchema.TextContent text)) {
			return -1;
		}
		return text.text().length();
	}

	@Override
	public void close() {
		this.client.closeGracefully().block(TIMEOUT);
	}

}
