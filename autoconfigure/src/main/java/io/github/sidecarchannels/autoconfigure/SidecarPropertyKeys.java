package io.github.sidecarchannels.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.core.ResolvableType;

/**
 * The valid keys under a properties class, read from the class itself (so a property
 * added as a field is valid at once), and what to say about a key that is not one of
 * them: the nearest valid key at the level where it goes wrong ("did you mean").
 */
final class SidecarPropertyKeys {

	private static final String OWN_PACKAGE = "io.github.sidecarchannels.";

	private final String prefix;

	private final Level root;

	private SidecarPropertyKeys(String prefix, Level root) {
		this.prefix = prefix;
		this.root = root;
	}

	/**
	 * @param prefix the properties' prefix, e.g. {@code sidecar}
	 * @param type the properties class
	 * @return its keys
	 */
	static SidecarPropertyKeys of(String prefix, Class<?> type) {
		return new SidecarPropertyKeys(prefix, Level.of(type));
	}

	/**
	 * @param name a property name under the prefix
	 * @return what is wrong with it and the nearest valid key, or {@code null} if it is
	 * valid
	 */
	@Nullable String problem(ConfigurationPropertyName name) {
		List<String> elements = new ArrayList<>();
		for (int i = ConfigurationPropertyName.of(this.prefix).getNumberOfElements(); i < name
			.getNumberOfElements(); i++) {
			elements.add(name.isNumericIndex(i) ? "[" + name.getElement(i, Form.ORIGINAL) + "]"
					: name.getElement(i, Form.ORIGINAL));
		}
		return this.root.problem(this.prefix, elements, 0);
	}

	/**
	 * The keys at one level, by their uniform form (lower case, no dashes), as relaxed
	 * binding matches them.
	 */
	private record Level(Map<String, Key> keys) {

		static Level of(Class<?> type) {
			Map<String, Key> keys = new LinkedHashMap<>();
			for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
				if (property.getReadMethod() != null && !"class".equals(property.getName())) {
					String dashed = DataObjectPropertyName.toDashedForm(property.getName());
					keys.put(uniform(dashed),
							Key.of(dashed, ResolvableType.forMethodReturnType(property.getReadMethod())));
				}
			}
			return new Level(keys);
		}

		@Nullable String problem(String path, List<String> elements, int index) {
			if (index == elements.size()) {
				return null;
			}
			String element = elements.get(index);
			Key key = this.keys.get(uniform(element));
			if (key != null) {
				return key.problem(path + "." + key.name(), elements, index + 1);
			}
			Key nearest = nearest(element);
			if (nearest == null) {
				return "'" + element + "' is not a key under '" + path + "'; valid keys there are " + names();
			}
			String corrected = path + "." + nearest.name();
			if (nearest.problem(corrected, elements, index + 1) == null) {
				corrected = String.join(".", corrected, String.join(".", elements.subList(index + 1, elements.size())))
					.replace(".[", "[");
			}
			return "did you mean '" + trimDot(corrected) + "'?";
		}

		private @Nullable Key nearest(String element) {
			String wanted = uniform(element);
			Key best = this.keys.values()
				.stream()
				.min(Comparator.comparingInt((Key key) -> distance(wanted, uniform(key.name()))))
				.orElse(null);
			return (best != null && distance(wanted, uniform(best.name())) <= Math.max(2, wanted.length() / 3)) ? best
					: null;
		}

		private String names() {
			return String.join(", ", this.keys.values().stream().map(Key::name).toList());
		}

	}

	private enum Kind {

		/** A value: nothing below it but list indexes. */
		VALUE,

		/** A nested group of keys. */
		NESTED,

		/** A map whose values are groups of keys: one level of names, then the group. */
		NAMED,

		/** A map of plain values: any key below it. */
		OPEN

	}

	private record Key(String name, Kind kind, @Nullable Level below) {

		static Key of(String name, ResolvableType type) {
			if (type.asMap() != ResolvableType.NONE) {
				Class<?> value = type.asMap().getGeneric(1).resolve();
				return isGroup(value) ? new Key(name, Kind.NAMED, Level.of(value)) : new Key(name, Kind.OPEN, null);
			}
			Class<?> resolved = type.resolve();
			return isGroup(resolved) ? new Key(name, Kind.NESTED, Level.of(resolved)) : new Key(name, Kind.VALUE, null);
		}

		private static boolean isGroup(@Nullable Class<?> type) {
			return type != null && !type.isEnum() && type.getName().startsWith(OWN_PACKAGE);
		}

		@Nullable String problem(String path, List<String> elements, int index) {
			return switch (this.kind) {
				case OPEN -> null;
				case VALUE -> elements.subList(index, elements.size()).stream().allMatch((e) -> e.startsWith("["))
						? null : "'" + path + "' takes a value, not nested keys";
				case NESTED -> this.below.problem(path, elements, index);
				case NAMED -> (index == elements.size()) ? null
						: this.below.problem(path + "." + elements.get(index), elements, index + 1);
			};
		}

	}

	private static String trimDot(String path) {
		return path.endsWith(".") ? path.substring(0, path.length() - 1) : path;
	}

	private static String uniform(String name) {
		return name.replace("-", "").toLowerCase(Locale.ROOT);
	}

	/** Levenshtein distance, two rows at a time. */
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
