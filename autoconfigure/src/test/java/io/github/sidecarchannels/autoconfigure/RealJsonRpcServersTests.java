package io.github.sidecarchannels.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarState;
import io.github.sidecarchannels.rpc.JsonRpcMethod;
import io.github.sidecarchannels.rpc.SidecarRpc;
import io.github.sidecarchannels.rpc.SidecarRpcHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Published JSON-RPC servers from npm, run unmodified as sidecars: an MCP server
 * (newline-delimited JSON) and a language server (Content-Length framing), including the
 * requests they send to the client. Installed by {@code .ci/install-servers.sh}.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RealJsonRpcServersTests {

	private static final Path SERVERS = Path.of(System.getProperty("user.dir"))
		.getParent()
		.resolve(".ci/npm-servers/node_modules");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SidecarAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	private static String server(String path) {
		Path script = SERVERS.resolve(path);
		assertThat(script).as("%s is missing: run .ci/install-servers.sh", script).satisfies((file) -> {
			if (!Files.isRegularFile(file)) {
				throw new AssertionError(file + " is missing: run .ci/install-servers.sh");
			}
		});
		return script.toString();
	}

	record ToolCall(String name, Map<String, Object> arguments) {
	}

	record Content(String type, String text) {
	}

	record ToolResult(List<Content> content, @Nullable Boolean isError) {
	}

	/** What an MCP client answers when the server asks for its roots. */
	@SidecarRpcHandler("everything")
	static class McpClientCallbacks {

		final BlockingQueue<String> asked = new LinkedBlockingQueue<>();

		@JsonRpcMethod("roots/list")
		Map<String, Object> roots() {
			this.asked.add("roots/list");
			return Map.of("roots", List.of(Map.of("uri", "file:///tmp", "name", "tmp")));
		}

	}

	@Test
	void hostsTheMcpServerEverything() {
		this.runner.withBean(McpClientCallbacks.class)
			.withPropertyValues(
					"sidecar.processes.everything.command=node,"
							+ server("@modelcontextprotocol/server-everything/dist/index.js") + ",stdio",
					"sidecar.processes.everything.protocol=json-rpc",
					"sidecar.processes.everything.json-rpc.cancellation=mcp",
					"sidecar.processes.everything.stop-timeout=1s")
			.run((context) -> {
				SidecarRpc mcp = context.getBean("sidecar.everything.rpc", SidecarRpc.class);
				JsonNode initialized = mcp.call("initialize",
						Map.of("protocolVersion", "2025-06-18", "capabilities",
								Map.of("roots", Map.of("listChanged", true)), "clientInfo",
								Map.of("name", "sidecar-tests", "version", "1.0")),
						JsonNode.class, Duration.ofSeconds(30));
				assertThat(initialized.path("serverInfo").path("name").asString()).isNotEmpty();
				mcp.notify("notifications/initialized", null);
				ToolResult echoed = mcp.call("tools/call", new ToolCall("echo", Map.of("message", "hi there")),
						ToolResult.class);
				assertThat(echoed.isError()).isNotEqualTo(Boolean.TRUE);
				assertThat(echoed.content().get(0).text()).isEqualTo("Echo: hi there");
				JsonNode tools = mcp.call("tools/list", null, JsonNode.class);
				assertThat(tools.path("tools").valueStream().map((tool) -> tool.path("name").asString()))
					.contains("echo");
				// A tool that fails answers with a result flagged isError, not with a
				// JSON-RPC error.
				ToolResult unknown = mcp.call("tools/call", new ToolCall("no-such-tool", Map.of()), ToolResult.class);
				assertThat(unknown.isError()).isTrue();
				assertThat(context.getBean(McpClientCallbacks.class).asked.poll(30, TimeUnit.SECONDS))
					.isEqualTo("roots/list");
				assertThat(
						context.getBean(MeterRegistry.class).find("sidecar.errors").tag("type", "unmatched").counter())
					.isNull();
			});
	}

	/** What an LSP client answers when the server asks. */
	@SidecarRpcHandler("yaml")
	static class LspClientCallbacks {

		final BlockingQueue<String> asked = new LinkedBlockingQueue<>();

		@JsonRpcMethod("workspace/configuration")
		List<Object> configuration(JsonNode params) {
			this.asked.add("workspace/configuration");
			return params.path("items").valueStream().map((item) -> (Object) Map.of()).toList();
		}

		@JsonRpcMethod("client/registerCapability")
		void registerCapability(JsonNode params) {
			this.asked.add("client/registerCapability");
		}

		@JsonRpcMethod("window/workDoneProgress/create")
		void createProgress(JsonNode params) {
		}

	}

	@Test
	void hostsTheYamlLanguageServer() {
		this.runner.withBean(LspClientCallbacks.class)
			.withPropertyValues(
					"sidecar.processes.yaml.command=node," + server("yaml-language-server/bin/yaml-language-server")
							+ ",--stdio",
					"sidecar.processes.yaml.protocol=json-rpc", "sidecar.processes.yaml.framing=content-length",
					"sidecar.processes.yaml.json-rpc.cancellation=lsp", "sidecar.processes.yaml.restart.policy=never")
			.run((context) -> {
				SidecarRpc lsp = context.getBean("sidecar.yaml.rpc", SidecarRpc.class);
				JsonNode initialized = lsp.call("initialize",
						Map.of("processId", ProcessHandle.current().pid(), "rootUri", "file:///tmp", "capabilities",
								Map.of("workspace", Map.of("configuration", true), "textDocument",
										Map.of("documentSymbol", Map.of("hierarchicalDocumentSymbolSupport", true)))),
						JsonNode.class);
				assertThat(initialized.path("capabilities").has("documentSymbolProvider")).isTrue();
				lsp.notify("initialized", Map.of());
				String uri = "file:///tmp/app.yaml";
				lsp.notify("textDocument/didOpen", Map.of("textDocument", Map.of("uri", uri, "languageId", "yaml",
						"version", 1, "text", "server:\n  port: 8080\nname: demo\n")));
				JsonNode symbols = lsp.call("textDocument/documentSymbol", Map.of("textDocument", Map.of("uri", uri)),
						JsonNode.class);
				assertThat(symbols.findValuesAsString("name")).contains("server", "port", "name");
				assertThat(context.getBean(LspClientCallbacks.class).asked.poll(30, TimeUnit.SECONDS)).isNotNull();
				// Language servers exit 1 unless told shutdown, then exit.
				assertThat(lsp.call("shutdown", null, Object.class)).isNull();
				lsp.notify("exit", null);
				Sidecar sidecar = context.getBean("sidecar.yaml", Sidecar.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> sidecar.state() != SidecarState.RUNNING);
				assertThat(sidecar.status().lastExitCode()).isZero();
			});
	}

}
