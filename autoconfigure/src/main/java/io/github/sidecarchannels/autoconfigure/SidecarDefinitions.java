package io.github.sidecarchannels.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.RestartPolicy;
import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.process.ChildFiles;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.util.unit.DataSize;

/**
 * Turns the {@code sidecar.*} configuration into validated {@link SidecarDefinition}s.
 * Each sidecar's effective settings are one {@link SidecarProperties.Process} that starts
 * at the built-in defaults (its field initializers) and is bound from
 * {@code sidecar.defaults}, then from {@code sidecar.processes.<name>}: what either sets
 * wins over the built-in value, the sidecar's own over the defaults, environment maps
 * merge and a command list replaces. Then come the customizers; then {@code classpath:}
 * locations become real paths through {@link ChildFiles}, so a definition always holds
 * the files a child runs.
 */
final class SidecarDefinitions {

	private static final String DEFAULTS = "sidecar.defaults";

	private static final String PROCESSES = "sidecar.processes.";

	private SidecarDefinitions() {
	}

	/**
	 * @param properties the bound properties, naming the configured sidecars
	 * @param binder the binder over the environment they were bound from
	 * @return each configured sidecar's effective settings, by name, in configuration
	 * order
	 */
	static Map<String, SidecarProperties.Process> settings(SidecarProperties properties, Binder binder) {
		Map<String, SidecarProperties.Process> settings = new LinkedHashMap<>();
		for (String name : properties.getProcesses().keySet()) {
			SidecarProperties.Process process = new SidecarProperties.Process();
			Bindable<SidecarProperties.Process> target = Bindable.ofInstance(process);
			binder.bind(DEFAULTS, target);
			binder.bind(sidecar(name), target);
			settings.put(name, process);
		}
		return settings;
	}

	static List<SidecarDefinition> from(Map<String, SidecarProperties.Process> settings, boolean exposeClients,
			List<SidecarCustomizer> customizers, ChildFiles files) {
		List<SidecarDefinition> definitions = new ArrayList<>();
		settings.forEach((name, process) -> {
			SidecarDefinition.Builder builder = builder(name, process, files);
			customizers.forEach((customizer) -> customizer.customize(name, builder));
			// After the customizers, so that the elements they add may be classpath
			// locations too.
			builder.command(files.command(name, builder.command()));
			if (exposeClients) {
				builder.clientsDirectory(files.clients());
			}
			definitions.add(builder.build());
			startupGrace(settings, name);
		});
		return definitions;
	}

	/** Read before the registry exists, to know which sidecars get an rpc bean. */
	static Protocol protocol(Binder binder, String name) {
		return binder.bind(sidecar(name).append("protocol"), Bindable.of(Protocol.class))
			.orElseGet(() -> binder.bind(DEFAULTS + ".protocol", Protocol.class)
				.orElseGet(() -> new SidecarProperties.Process().getProtocol()));
	}

	/**
	 * Adapted the way property sources' names are, so that map keys such as
	 * {@code myDiff} or {@code my_diff}, which are not valid canonical names, find their
	 * entries.
	 */
	private static ConfigurationPropertyName sidecar(String name) {
		return ConfigurationPropertyName.adapt(PROCESSES + name, '.');
	}

	static boolean autoStartup(Map<String, SidecarProperties.Process> settings, String name) {
		return of(settings, name).isAutoStartup();
	}

	static boolean failFast(Map<String, SidecarProperties.Process> settings, String name) {
		return of(settings, name).isFailFast();
	}

	/**
	 * @return how long startup watches the sidecar's child for an early exit
	 * @throws SidecarConfigurationException if the grace is negative
	 */
	static Duration startupGrace(Map<String, SidecarProperties.Process> settings, String name) {
		Duration grace = of(settings, name).getStartup().getGrace();
		if (grace.isNegative()) {
			throw new SidecarConfigurationException(name, "startup.grace", "must be zero or positive, got " + grace);
		}
		return grace;
	}

	/**
	 * A sidecar that is not configured here (one of an application's own registry) gets
	 * the built-in settings.
	 */
	private static SidecarProperties.Process of(Map<String, SidecarProperties.Process> settings, String name) {
		SidecarProperties.Process process = settings.get(name);
		return (process != null) ? process : new SidecarProperties.Process();
	}

	private static SidecarDefinition.Builder builder(String name, SidecarProperties.Process process, ChildFiles files) {
		List<String> command = process.getCommand();
		String directory = process.getWorkingDirectory();
		SidecarDefinition.Builder builder = SidecarDefinition.builder(name)
			.command((command != null) ? command : List.of())
			.workingDirectory((directory != null) ? workingDirectory(name, directory, files) : null)
			.environment(process.getEnvironment())
			.inheritEnvironment(process.isInheritEnvironment())
			.transport(process.getTransport())
			.framing(process.getFraming())
			.socketMode(process.getSocket())
			.maxMessageSize(bytes(name, process.getMaxMessageSize()))
			.stopTimeout(process.getStopTimeout())
			.maxInFlight(process.getMaxInFlight())
			.outboundCapacity(process.getOutboundCapacity())
			.outboundBufferSize(process.getOutboundBufferSize().toBytes())
			.protocol(process.getProtocol())
			.requestTimeout(process.getRequestTimeout())
			.cancellation(process.getJsonRpc().getCancellation())
			.instances(process.getInstances())
			.minReady(process.getMinReady())
			.restartPolicy(restartPolicy(process.getRestart()));
		startup(builder, process.getStartup());
		heartbeat(builder, process.getHeartbeat());
		return builder;
	}

	private static void startup(SidecarDefinition.Builder builder, SidecarProperties.Startup startup) {
		builder.readySignal(startup.getReady())
			.readyMessage(startup.getReadyMessage())
			.startupTimeout(startup.getTimeout());
	}

	/**
	 * Unset, the interval leaves the heartbeat off and the timeout follows the interval.
	 */
	private static void heartbeat(SidecarDefinition.Builder builder, SidecarProperties.Heartbeat heartbeat) {
		Duration interval = heartbeat.getInterval();
		if (interval != null) {
			builder.heartbeatInterval(interval);
		}
		builder.heartbeatTimeout(heartbeat.getTimeout());
	}

	private static RestartPolicy restartPolicy(SidecarProperties.Restart restart) {
		return new RestartPolicy(restart.getPolicy(), restart.getInitialDelay(), restart.getMultiplier(),
				restart.getMaxDelay(), restart.getResetAfter(), restart.getMaxRestarts(), restart.getWindow());
	}

	private static Path workingDirectory(String name, String directory, ChildFiles files) {
		return ChildFiles.isClasspathLocation(directory) ? files.directory(name, "working-directory", directory)
				: Path.of(directory);
	}

	/**
	 * The range is the definition's rule; here only what cannot even be an int is
	 * refused.
	 */
	private static int bytes(String name, DataSize size) {
		long bytes = size.toBytes();
		if (bytes < Integer.MIN_VALUE || bytes > Integer.MAX_VALUE) {
			throw new SidecarConfigurationException(name, "max-message-size", "the maximum message size must be "
					+ "between 1 and " + SidecarDefinition.MAX_MESSAGE_SIZE_LIMIT + " bytes, got " + size);
		}
		return (int) bytes;
	}

}
