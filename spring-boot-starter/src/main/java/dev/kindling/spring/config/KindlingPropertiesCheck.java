package dev.kindling.spring.config;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Fails the start, before any bean is created, on a {@code kindling.*} property nothing reads: a typo would otherwise
 * start a healthy application without the model or setting it meant. Two checks:
 * <ul>
 *   <li>every key of a model ({@code kindling.models.<name>.<key>}) must be a property of {@link #modelType}; and</li>
 *   <li>every other {@code kindling.*} key must lie under the prefix of a {@code @ConfigurationProperties} class registered in
 *       the context (the starter's own, and any another module adds, such as an update log's), or be a deprecated name
 *       {@link LegacyPropertyNames} still reads. Within its prefix, each such class checks its own keys
 *       ({@code ignoreUnknownFields = false}).</li>
 * </ul>
 * Environment variables are left out of the second check (they are the machine's, not the application's).
 * The failure names the property, where it was set and the nearest known name.
 */
public final class KindlingPropertiesCheck implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

    private static final String ROOT = "kindling";
    private static final String MODELS = "kindling.models";

    private final Class<?> modelType;
    private final List<String> alwaysKnown;
    private Environment environment;

    /**
     * @param modelType   the class a model's keys bind to
     * @param alwaysKnown prefixes read without a properties class (switches of conditions, e.g. kindling.problem-details)
     */
    public KindlingPropertiesCheck(Class<?> modelType, List<String> alwaysKnown) {
        this.modelType = modelType;
        this.alwaysKnown = List.copyOf(alwaysKnown);
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        checkModelKeys();
        List<String> prefixes = knownPrefixes(registry);
        prefixes.addAll(alwaysKnown);
        checkGroups(prefixes);
    }

    private void checkModelKeys() {
        try {
            Binder.get(environment).bind(MODELS, Bindable.mapOf(String.class, modelType), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException e) {
            if (!(e.getCause() instanceof UnboundConfigurationPropertiesException unbound)) {
                throw e;   // a value that does not convert: Spring Boot's own analysis names it
            }
            ConfigurationProperty first = unbound.getUnboundProperties().iterator().next();
            String name = first.getName().toString();
            String key = name.substring(name.lastIndexOf('.') + 1);
            // kindling.models.<model>[.<group>...].<key>: the keys of the group the unknown one was written in.
            String model = first.getName().getElement(2, ConfigurationPropertyName.Form.DASHED);
            String group = name.substring(MODELS.length() + 1 + model.length(), name.length() - key.length() - 1);
            Class<?> type = groupType(modelType, group);
            List<String> keys = keys(type);
            String where = group.isEmpty() ? "a model" : "kindling.models.*" + group;
            throw new InvalidKindlingPropertyException(name, describe(first), where + " has no key '" + key + "'",
                    "Did you mean kindling.models." + model + group + "." + nearest(key, keys) + "? " + (group.isEmpty() ? "A model's keys"
                    : "Its keys") + " are: " + String.join(", ", keys) + ".");
        }
    }

    private void checkGroups(List<String> prefixes) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            // Environment variables are shared with everything else on the machine (KINDLING_HOME, KINDLING_JAVA_OPTS of
            // the CLI): a name there that no setting reads is not a typo in this application's configuration.
            if (!(source instanceof IterableConfigurationPropertySource iterable)
                    || source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource) {
                continue;
            }
            Optional<ConfigurationPropertyName> unknown = iterable.stream()
                    .filter(n -> n.toString().startsWith(ROOT + ".") && LegacyPropertyNames.replacement(n.toString()) == null)
                    .filter(n -> prefixes.stream().noneMatch(p -> ConfigurationPropertyName.of(p).isAncestorOf(n)))
                    .findFirst();
            if (unknown.isPresent()) {
                String name = unknown.get().toString();
                throw new InvalidKindlingPropertyException(name, describe(source.getConfigurationProperty(unknown.get())),
                        "no Kindling setting has this name", "Did you mean a property under " + nearest(name, prefixes)
                        + "? Kindling's settings lie under: " + String.join(", ", new TreeSet<>(prefixes)) + ".");
            }
        }
    }

    /** The prefixes of the {@code @ConfigurationProperties} classes registered for {@code kindling.*}. */
    private static List<String> knownPrefixes(BeanDefinitionRegistry registry) {
        List<String> prefixes = new ArrayList<>();
        for (String name : registry.getBeanDefinitionNames()) {
            BeanDefinition def = registry.getBeanDefinition(name);
            Class<?> type = def.getResolvableType().resolve();
            if (type == null) {
                continue;
            }
            MergedAnnotation<ConfigurationProperties> a = MergedAnnotations.from(type).get(ConfigurationProperties.class);
            if (!a.isPresent()) {
                continue;
            }
            String prefix = a.getString("prefix").isEmpty() ? a.getString("value") : a.getString("prefix");
            if (prefix.equals(ROOT)) {
                // A class bound at the root owns the groups named by its properties (kindling.models).
                for (PropertyDescriptor p : BeanUtils.getPropertyDescriptors(type)) {
                    if (p.getWriteMethod() != null) {
                        prefixes.add(ROOT + "." + kebab(p.getName()));
                    }
                }
            } else if (prefix.startsWith(ROOT + ".")) {
                prefixes.add(prefix);
            }
        }
        return prefixes;
    }

    /** The class a model's group (".guardrails.labels", or "" for the model itself) binds to. */
    private static Class<?> groupType(Class<?> modelType, String group) {
        Class<?> type = modelType;
        for (String element : group.split("\\.")) {
            if (element.isEmpty()) {
                continue;
            }
            for (PropertyDescriptor p : BeanUtils.getPropertyDescriptors(type)) {
                if (kebab(p.getName()).equals(element)) {
                    type = p.getPropertyType();
                    break;
                }
            }
        }
        return type;
    }

    private static List<String> keys(Class<?> type) {
        List<String> keys = new ArrayList<>();
        for (PropertyDescriptor p : BeanUtils.getPropertyDescriptors(type)) {
            if (p.getWriteMethod() != null && p.getReadMethod() != null && !p.getReadMethod().isAnnotationPresent(Deprecated.class)) {
                keys.add(kebab(p.getName()));
            }
        }
        return keys;
    }

    private static String describe(ConfigurationProperty p) {
        if (p == null) {
            return null;
        }
        return "\"" + p.getValue() + "\"" + (p.getOrigin() != null ? " (from " + p.getOrigin() + ")" : "");
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** The candidate with the smallest edit distance to {@code word}. */
    static String nearest(String word, List<String> candidates) {
        return candidates.stream().min(Comparator.comparingInt(c -> distance(word, c))).orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
