package dev.kindling.spring.config;

import com.jayway.jsonpath.JsonPath;
import dev.kindling.spring.model.KindlingModelProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's generated configuration metadata (what IDEs complete from): every kindling.* key has a description, every
 * key of a model is listed as kindling.models.*.&lt;key&gt;, and every deprecated key names its replacement.
 */
class ConfigurationMetadataTest {

    private static List<Map<String, Object>> properties() throws IOException {
        for (URL url : Collections.list(ConfigurationMetadataTest.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            if (url.toString().contains("spring-boot-starter/target/classes")) {
                try (InputStream in = url.openStream()) {
                    return JsonPath.parse(in).read("$.properties[*]");
                }
            }
        }
        throw new AssertionError("the starter's generated metadata is not on the class path");
    }

    @Test
    void everyKindlingKeyHasADescription() throws IOException {
        List<Map<String, Object>> props = properties();
        assertThat(props).isNotEmpty();
        for (Map<String, Object> p : props) {
            assertThat((String) p.get("description")).as("description of " + p.get("name")).isNotBlank();
        }
    }

    @Test
    void everyKeyOfAModelIsListedWithADescription() throws IOException {
        List<String> names = properties().stream().map(p -> (String) p.get("name")).toList();
        List<String> expected = new ArrayList<>();
        keys("kindling.models.*.", KindlingModelProperties.Model.class, expected);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(9).contains("kindling.models.*.guardrails.labels.max-new-per-hour",
                "kindling.models.*.tuning.learning-rate");
        assertThat(names).containsAll(expected);
    }

    /** The keys of {@code type} under {@code prefix}, those of its nested groups (the starter's own property classes) too. */
    private static void keys(String prefix, Class<?> type, List<String> into) {
        for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(type)) {
            if (d.getWriteMethod() == null) {
                continue;
            }
            String key = prefix + KindlingPropertiesCheck.kebab(d.getName());
            if (d.getPropertyType().getName().startsWith("dev.kindling.spring.")) {
                keys(key + ".", d.getPropertyType(), into);
            } else {
                into.add(key);
            }
        }
    }

    @Test
    void deprecatedKeysNameTheirReplacement() throws IOException {
        List<Map<String, Object>> deprecated = properties().stream().filter(p -> p.get("deprecation") != null).toList();
        assertThat(deprecated).extracting(p -> p.get("name")).contains("kindling.devices", "kindling.device.max-wait", "kindling.device-limits");
        for (Map<String, Object> p : deprecated) {
            @SuppressWarnings("unchecked")
            Map<String, Object> d = (Map<String, Object>) p.get("deprecation");
            assertThat((String) d.get("replacement")).as("replacement of " + p.get("name")).startsWith("kindling.");
        }
    }
}
