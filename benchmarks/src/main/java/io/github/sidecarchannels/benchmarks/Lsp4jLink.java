package io.github.sidecarchannels.benchmarks;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.eclipse.lsp4j.jsonrpc.Launcher;

/**
 * What LSP users drive a language server with: LSP4J's generic {@link Launcher} over the
 * child's stdin/stdout ({@code ProcessBuilder} pipes, {@code Content-Length} framing),
 * the remote proxy's {@code echo} future per call. LSP4J answers on its own listener
 * thread and runs nothing of ours on the executor, which gets a cached pool as LSP4J's
 * own default does.
 */
// close() waits for the child and the link's threads to end, so it may be interrupted:
// "try" lint
// warns about exactly that, and it is intended.
@SuppressWarnings("try")
final class Lsp4jLink extends Link {

	private final Process process;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final Future<Void> listening;

	private final RpcEcho.Server server;

	private Lsp4jLink(List<String> child) throws IOException {
		this.process = new ProcessBuilder(child).redirectError(Redirect.INHERIT).start();
		Launcher<RpcEcho.Server> launcher = new Launcher.Builder<RpcEcho.Server>().setLocalService(new Object())
			.setRemoteInterface(RpcEcho.Server.class)
			.setInput(this.process.getInputStream())
			.setOutput(this.process.getOutputStream())
			.setExecutorService(this.executor)
			.create();
		this.listening = launcher.startListening();
		this.server = launcher.getRemoteProxy();
	}

	static Link.Factory factory(RunnerOptions options) {
		List<String> child = RpcEcho.command(options, "content-length");
		return (window) -> new Lsp4jLink(child);
	}

	@Override
	Object payload(int size) {
		return new RpcEcho.Message(Payloads.text(size));
	}

	@Override
	void send(Object payload) {
		this.server.echo((RpcEcho.Message) payload).whenComplete((reply, failure) -> {
			if (failure != null) {
				this.sink.failed(failure);
			}
			else {
				this.sink.arrived(RpcEcho.size(reply));
			}
		});
	}

	@Override
	void roundTrip(Object payload) throws Exception {
		RpcEcho.Message reply = this.server.echo((RpcEcho.Message) payload).get(60, TimeUnit.SECONDS);
		this.sink.acquire();
		this.sink.arrived(RpcEcho.size(reply));
	}

	@Override
	public void close() throws Exception {
		this.process.getOutputStream().close();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
		this.listening.cancel(true);
		this.executor.shutdownNow();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

}
