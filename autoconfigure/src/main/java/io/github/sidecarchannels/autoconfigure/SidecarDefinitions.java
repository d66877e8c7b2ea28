package io.github.sidecarchannels.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.sidecarchannels.core.Protocol;
import io.github.sidecarchannels.core.RestartPolicy;
import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.process.ChildFiles;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link SidecarProperties} into validated {@link SidecarDefinition}s: a sidecar's
 * own setting, else the default, else the built-in value; then the customizers; then
 * {@code classpath:} locations become real paths through {@link ChildFiles}, so a
 * definition always holds the files a child runs.
 */
final class SidecarDefinitions {

	/**
	 * How long startup watches a fail-fast sidecar's child for an early exit, unless
	 * configured.
	 */
	static final Duration DEFAULT_STARTUP_GRACE = Duration.ofMillis(250);

	private SidecarDefinitions() {
	}

	static List<SidecarDefinition> from(SidecarProperties properties, List<SidecarCustomizer> customizers,
			ChildFiles files) {
		List<SidecarDefinition> definitions = new ArrayList<>();
		properties.getProcesses().forEach((name, process) -> {
			SidecarDefinition.Builder builder = builder(name, process, properties.getDefaults(), files);
			customizers.forEach((customizer) -> customizer.customize(name, builder));
			// After the customizers, so that the elements they add may be classpath
			// locations too.
			builder.command(files.command(name, builder.command()));
			if (properties.getClients().isExpose()) {
				builder.clientsDirectory(files.clients());
			}
			definitions.add(builder.build());
			startupGrace(properties, name);
		});
		return definitions;
	}

	/** Read before the registry exists, to know which sidecars get an rpc bean. */
	static Protocol protocol(Binder binder, String name) {
		return binder.bind("sidecar.processes." + name + ".protocol", Protocol.class)
			.orElseGet(() -> binder.bind("sidecar.defaults.protocol", Protocol.class).orElse(Protocol.RAW));
	}

	static boolean autoStartup(SidecarProperties properties, String name) {
		return flag(properties, name, SidecarProperties.Process::getAutoStartup);
	}

	static boolean failFast(SidecarProperties properties, String name) {
		return flag(properties, name, SidecarProperties.Process::getFailFast);
	}

	/**
	 * @return how long startup watches the sidecar's child for an early exit
	 * @throws SidecarConfigurationException if the grace is negative
	 */
	static Duration startupGrace(SidecarProperties properties, String name) {
		SidecarProperties.Process process = properties.getProcesses().get(name);
		Duration grace = (process != null)
				? pick(process, properties.getDefaults(), (settings) -> settings.getStartup().getGrace()) : null;
		if (grace == null) {
			return DEFAULT_STARTUP_GRACE;
		}
		if (grace.isNegative()) {
			throw new SidecarConfigurationException(name, "startup.grace", "must be zero or positive, got " + grace);
		}
		return grace;
	}

	/** A boolean setting whose built-in default is true. */
	private static boolean flag(SidecarProperties properties, String name,
			Function<SidecarProperties.Process, @Nullable Boolean> getter) {
		SidecarProperties.@Nullable Process process = properties.getProcesses().get(name);
		@Nullable Boolean value = (process != null) ? pick(process, properties.getDefaults(), getter) : null;
		return value == null || value;
	}

	private static RestartPolicy restartPolicy(SidecarProperties.Restart own, SidecarProperties.Restart defaults) {
		RestartPolicy builtIn = RestartPolicy.DEFAULT;
		return new RestartPolicy(first(own.getPolicy(), defaults.getPolicy(), builtIn.mode()),
				first(own.getInitialDelay(), defaults.getInitialDelay(), builtIn.initialDelay()),
				first(own.getMultiplier(), defaults.getMultiplier(), builtIn.multiplier()),
				first(own.getMaxDelay(), defaults.getMaxDelay(), builtIn.maxDelay()),
				first(own.getResetAfter(), defaults.getResetAfter(), builtIn.resetAfter()),
				first(own.getMaxRestarts(), defaults.getMaxRestarts(), builtIn.maxRestarts()),
				first(own.getWindow(), defaults.getWindow(), builtIn.window()));
	}

	private static <T> T first(@Nullable T own, @Nullable T fallback, T builtIn) {
		return (own != null) ? own : (fallback != null) ? fallback : builtIn;
	}

	private static SidecarDefinition.Builder builder(String name, SidecarProperties.Process own,
			SidecarProperties.Process defaults, ChildFiles files) {
		SidecarDefinition.Builder builder = SidecarDefinition.builder(name);
		Settings settings = new Settings(own, defaults);
		settings.apply(SidecarProperties.Process::getCommand, builder::command);
		settings.apply(SidecarProperties.Process::getWorkingDirectory,
				(directory) -> builder.workingDirectory(workingDirectory(name, directory, files)));
		settings.apply(SidecarProperties.Process::getInheritEnvironment, builder::inheritEnvironment);
		settings.apply(SidecarProperties.Process::getTransport, builder::transport);
		settings.apply(SidecarProperties.Process::getFraming, builder::framing);
		settings.apply(SidecarProperties.Process::getSocket, builder::socketMode);
		settings.apply(SidecarProperties.Process::getStopTimeout, builder::stopTimeout);
		settings.apply(SidecarProperties.Process::getMaxInFlight, builder::maxInFlight);
		settings.apply(SidecarProperties.Process::getOutboundCapacity, builder::outboundCapacity);
		settings.apply(SidecarProperties.Process::getOutboundBufferSize,
				(size) -> builder.outboundBufferSize(size.toBytes()));
		settings.apply(SidecarProperties.Process::getMaxMessageSize,
				(size) -> builder.maxMessageSize(bytes(name, size)));
		settings.apply(SidecarProperties.Process::getProtocol, builder::protocol);
		settings.apply(SidecarProperties.Process::getRequestTimeout, builder::requestTimeout);
		settings.apply((process) -> process.getJsonRpc().getCancellation(), builder::cancellation);
		settings.apply((process) -> process.getStartup().getReady(), builder::readySignal);
		settings.apply((process) -> process.getStartup().getReadyMessage(), builder::readyMessage);
		settings.apply((process) -> process.getStartup().getTimeout(), builder::startupTimeout);
		settings.apply(SidecarProperties.Process::getInstances, builder::instances);
		settings.apply(SidecarProperties.Process::getMinReady, builder::minReady);
		settings.apply((process) -> process.getHeartbeat().getInterval(), builder::heartbeatInterval);
		settings.apply((process) -> process.getHeartbeat().getTimeout(), builder::heartbeatTimeout);
		builder.restartPolicy(restartPolicy(own.getRestart(), defaults.getRestart()));
		Map<String, String> environment = new LinkedHashMap<>(defaults.getEnvironment());
		environment.putAll(own.getEnvironment());
		builder.environment(environment);
		return builder;
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

	private static <T> @Nullable T pick(SidecarProperties.Process own, SidecarProperties.Process defaults,
			Function<SidecarProperties.Process, @Nullable T> getter) {
		T value = getter.apply(own);
		return (value != null) ? value : getter.apply(defaults);
	}

	/**
	 * A sidecar's settings over the defaults; unset in both leaves the builder's built-in
	 * value.
	 */
	private record Settings(SidecarProperties.Process own, SidecarProperties.Process defaults) {

		<T> void apply(Function<SidecarProperties.Process, @Nullable T> getter, Consumer<T> setter) {
			T value = pick(this.own, this.defaults, getter);
			if (value != null) {
				setter.accept(value);
			}
		}

	}

}
