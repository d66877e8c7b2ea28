package io.github.sidecarchannels.benchmarks;

import io.github.sidecarchannels.core.FramingType;
import io.github.sidecarchannels.core.Transport;

/**
 * Runs one JVM system's workloads in a JVM of its own (so no system inherits another's
 * JIT profile, garbage or threads) and prints one JSON line per workload. Started by
 * {@link BenchmarkMain}: {@code Runner <system> [options]}, see {@link RunnerOptions}.
 */
public final class Runner {

	private Runner() {
	}

	public static void main(String[] args) {
		if (args.length < 1) {
			System.err.println("usage: Runner <system> [--workloads ...] [--runs N] ...");
			System.exit(2);
		}
		int status = 0;
		try {
			RunnerOptions options = RunnerOptions.parse(args, 1);
			if (args[0].equals("starter-idle")) {
				IdleSidecars.run(options);
			}
			else {
				new Driver(factory(args[0], options), options).runAll();
			}
		}
		catch (Exception | Error ex) {
			ex.printStackTrace();
			status = 1;
		}
		System.out.flush();
		// Spring Integration's connection factory leaves non-daemon pool threads behind.
		System.exit(status);
	}

	static Link.Factory factory(String system, RunnerOptions options) {
		return switch (system) {
			case "starter-channels-lines" ->
				StarterLink.factory(StarterLink.Api.CHANNELS, Transport.STREAM, FramingType.LINES, options);
			case "starter-channels-length-prefixed" ->
				StarterLink.factory(StarterLink.Api.CHANNELS, Transport.STREAM, FramingType.LENGTH_PREFIXED, options);
			case "starter-channels-seqpacket" ->
				StarterLink.factory(StarterLink.Api.CHANNELS, Transport.SEQPACKET, FramingType.LINES, options);
			case "starter-requests-lines" ->
				StarterLink.factory(StarterLink.Api.REQUESTS, Transport.STREAM, FramingType.LINES, options);
			case "starter-requests-length-prefixed" ->
				StarterLink.factory(StarterLink.Api.REQUESTS, Transport.STREAM, FramingType.LENGTH_PREFIXED, options);
			case "starter-requests-seqpacket" ->
				StarterLink.factory(StarterLink.Api.REQUESTS, Transport.SEQPACKET, FramingType.LINES, options);
			case "raw-junixsocket-stream" -> RawJunixLink.factory(false, options);
			case "raw-junixsocket-seqpacket" -> RawJunixLink.factory(true, options);
			case "pipes" -> PipeLink.factory();
			case "spring-integration-tcp" -> SpringIntegrationLink.factory(options);
			case SystemSpec.RPC_STARTER_LINES -> RpcStarterLink.factory(FramingType.LINES, options);
			case SystemSpec.RPC_STARTER_CONTENT_LENGTH -> RpcStarterLink.factory(FramingType.CONTENT_LENGTH, options);
			case SystemSpec.RPC_LSP4J -> Lsp4jLink.factory(options);
			case SystemSpec.RPC_MCP_SDK -> McpSdkLink.factory(options);
			default -> throw new IllegalArgumentException("unknown system '" + system + "'");
		};
	}

}
