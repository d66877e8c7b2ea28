package io.github.sidecarchannels.benchmarks;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.eclipse.lsp4j.jsonrpc.services.JsonRequest;

/**
 * What the three JSON-RPC systems share: the {@code rpc-echo.js} child (one script for
 * all of them, framing chosen by its argument) and the {@code echo} method's params and
 * result.
 */
final class RpcEcho {

	private RpcEcho() {
	}

	/**
	 * @param options the runner's options (the benchmarks module's directory)
	 * @param framing {@code lines} or {@code content-length}
	 * @return the command line of the echo child
	 */
	static List<String> command(RunnerOptions options, String framing) {
		return List.of("node", options.home.resolve("src/main/node/rpc-echo.js").toAbsolutePath().toString(), framing);
	}

	/**
	 * @return the size of an echoed message, -1 for a missing one (which fails the run)
	 */
	static int size(Message reply) {
		return (reply != null && reply.message() != null) ? reply.message().length() : -1;
	}

	/**
	 * Params and result of {@code echo}.
	 *
	 * @param message the text echoed
	 */
	public record Message(String message) {
	}

	/** The child as LSP4J sees it. */
	public interface Server {

		/**
		 * @param params what to echo
		 * @return the echo
		 */
		@JsonRequest("echo")
		CompletableFuture<Message> echo(Message params);

	}

}
