package io.github.sidecarchannels.core.process;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.sidecarchannels.core.SidecarConfigurationException;
import io.github.sidecarchannels.core.SidecarDefinition;
import io.github.sidecarchannels.core.SocketMode;
import io.github.sidecarchannels.core.transport.SocketPair;
import org.jspecify.annotations.Nullable;

/**
 * Turns a definition into a {@link ProcessBuilder} wired to the child's end of the
 * socketpair. Checks the program and working directory first, so a typo fails with the
 * setting to fix instead of an errno.
 */
public final class ChildCommand {

	/**
	 * Moves the socket from stdin to fd 3, points stdin at /dev/null and stdout at
	 * stderr, then becomes the real program: no native code needed to place a descriptor
	 * at fd 3.
	 */
	private static final String FD3_TRAMPOLINE = "exec 3<&0 </dev/null >&2; exec \"$0\" \"$@\"";

	/**
	 * util-linux {@code setsid}: started from the JVM the child is never a process-group
	 * leader, so it calls setsid(2) and execs the program in place (same pid), which then
	 * leads a session of its own.
	 */
	private static final List<Path> SETSID = List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid"));

	/**
	 * The version of the child contract (docs/protocol.md) the parent speaks:
	 * SIDECAR_PROTOCOL_VERSION.
	 */
	public static final int PROTOCOL_VERSION = 2;

	private ChildCommand() {
	}

	/**
	 * @param definition what to run
	 * @param socket the pair whose child end becomes the child's socket
	 * @param stderr the pair whose child end becomes the child's stderr (and, in fd 3
	 * mode, its stdout too)
	 * @return a builder ready to start
	 * @throws IOException if the socket cannot be handed over
	 */
	public static ProcessBuilder build(SidecarDefinition definition, SocketPair socket, ChildStderr stderr)
			throws IOException {
		checkCommand(definition);
		Path workingDirectory = checkedWorkingDirectory(definition);
		List<String> command = new ArrayList<>(definition.command());
		command.set(0, resolveProgram(definition, workingDirectory));
		ProcessBuilder builder = new ProcessBuilder(inNewSession(wrapForSocketMode(definition, command)));
		if (workingDirectory != null) {
			builder.directory(workingDirectory.toFile());
		}
		configureEnvironment(definition, builder.environment());
		builder.redirectInput(socket.childInput());
		builder.redirectOutput((definition.socketMode() == SocketMode.FD3) ? Redirect.DISCARD : socket.childOutput());
		builder.redirectError(stderr.redirect());
		return builder;
	}

	private static List<String> wrapForSocketMode(SidecarDefinition definition, List<String> command) {
		if (definition.socketMode() != SocketMode.FD3) {
			return command;
		}
		List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", FD3_TRAMPOLINE));
		wrapped.addAll(command);
		return wrapped;
	}

	/**
	 * A session of its own keeps the child out of the application's process group (a
	 * terminal's Ctrl+C reaches the application only, which then stops its children
	 * gracefully) and lets {@link ProcessTree} find every descendant, even those
	 * re-parented to init.
	 */
	private static List<String> inNewSession(List<String> command) {
		Path setsid = setsid();
		if (setsid == null) {
			return command;
		}
		List<String> wrapped = new ArrayList<>(List.of(setsid.toString()));
		wrapped.addAll(command);
		return wrapped;
	}

	/**
	 * @return whether children are started as leaders of their own session (util-linux
	 * setsid is installed)
	 */
	public static boolean startsInOwnSession() {
		return setsid() != null;
	}

	private static @Nullable Path setsid() {
		for (Path setsid : SETSID) {
			if (Files.isExecutable(setsid)) {
				return setsid;
			}
		}
		return null;
	}

	private static void configureEnvironment(SidecarDefinition definition, Map<String, String> environment) {
		if (!definition.inheritEnvironment()) {
			environment.clear();
		}
		environment.putAll(definition.environment());
		environment.put("SIDECAR_NAME", definition.name());
		environment.put("SIDECAR_TRANSPORT", definition.transport().wireName());
		environment.put("SIDECAR_FRAMING", definition.framingWireName());
		environment.put("SIDECAR_MAX_MESSAGE_SIZE", Integer.toString(definition.maxMessageSize()));
		environment.put("SIDECAR_PROTOCOL", definition.protocol().wireName());
		environment.put("SIDECAR_FD", definition.socketMode() == SocketMode.FD3 ? "3" : "0");
		environment.put("SIDECAR_PROTOCOL_VERSION", Integer.toString(PROTOCOL_VERSION));
		environment.put("SIDECAR_INSTANCE", Integer.toString(definition.instance()));
		environment.put("SIDECAR_INSTANCES", Integer.toString(definition.instances()));
		environment.put("SIDECAR_READY", definition.readySignal().wireName());
		environment.put("SIDECAR_READY_MESSAGE", definition.readyMessage());
		Path clients = definition.clientsDirectory();
		if (clients != null) {
			appendPath(environment, "PYTHONPATH", clients.resolve("python"));
			appendPath(environment, "NODE_PATH", clients.resolve("node"));
		}
	}

	/**
	 * Appended, so that a child's own copy of a client, earlier on its path, still wins.
	 */
	private static void appendPath(Map<String, String> environment, String variable, Path directory) {
		String current = environment.get(variable);
		environment.put(variable, (current == null || current.isEmpty()) ? directory.toString()
				: current + File.pathSeparator + directory);
	}

	/**
	 * @param definition what to run
	 * @throws SidecarConfigurationException naming the property when the command is
	 * unusable
	 */
	public static void checkCommand(SidecarDefinition definition) {
		List<String> command = definition.command();
		if (command.isEmpty() || command.stream().anyMatch((part) -> part == null) || command.get(0).isBlank()) {
			throw new SidecarConfigurationException(definition.name(), "command",
					"the command is empty; set it to the program and its arguments, e.g. [python3, worker.py]");
		}
	}

	private static Path checkedWorkingDirectory(SidecarDefinition definition) {
		Path directory = definition.workingDirectory();
		if (directory != null && !Files.isDirectory(directory)) {
			throw new SidecarConfigurationException(definition.name(), "working-directory",
					"the working directory " + directory.toAbsolutePath() + " does not exist or is not a directory");
		}
		return directory;
	}

	/**
	 * The JDK looks programs up on the application's PATH; so do we, to say clearly when
	 * it fails.
	 */
	private static String resolveProgram(SidecarDefinition definition, Path workingDirectory) {
		String program = definition.command().get(0);
		if (program.contains("/")) {
			Path path = Path.of(program);
			if (!path.isAbsolute() && workingDirectory != null) {
				path = workingDirectory.resolve(path);
			}
			return checkedExecutable(definition, path, program);
		}
		String searchPath = System.getenv("PATH");
		if (searchPath != null) {
			for (String entry : searchPath.split(File.pathSeparator)) {
				Path candidate = Path.of(entry.isEmpty() ? "." : entry, program);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate.toString();
				}
			}
		}
		throw new SidecarConfigurationException(definition.name(), "command", "the program '" + program
				+ "' was not found on the PATH (" + searchPath + "); install it or give its absolute path");
	}

	private static String checkedExecutable(SidecarDefinition definition, Path path, String program) {
		if (!Files.isRegularFile(path)) {
			throw new SidecarConfigurationException(definition.name(), "command",
					"the program '" + program + "' does not exist (looked at " + path.toAbsolutePath() + ")");
		}
		if (!Files.isExecutable(path)) {
			throw new SidecarConfigurationException(definition.name(), "command", "the program '" + program
					+ "' is not executable; chmod +x it or run it through its interpreter, e.g. [sh, " + program + "]");
		}
		return path.toString();
	}

}
