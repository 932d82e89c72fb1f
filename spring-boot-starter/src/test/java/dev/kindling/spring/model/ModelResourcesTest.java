package dev.kindling.spring.model;

import dev.kindling.core.serving.checkpoint.ContentHash;
import dev.kindling.core.serving.model.ModelProvenance;
import dev.kindling.core.serving.model.ModelRegistry;
import dev.kindling.core.text.TrainingArgs;
import dev.kindling.spring.StarterFixtures;
import dev.kindling.spring.config.InvalidKindlingPropertyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpoints as Spring resources: file: and classpath: files are used in place, anything else is copied under the data directory. */
class ModelResourcesTest {

    @TempDir
    Path data;

    @TempDir
    Path elsewhere;

    @Test
    void aFileUrlIsUsedInPlace() {
        Path model = StarterFixtures.model(TrainingArgs.Loss.HSM);
        StarterFixtures.runner(data).withPropertyValues("kindling.models.topics.checkpoint=" + model.toUri()).run(ctx -> {
            ModelProvenance p = ctx.getBean(ModelRegistry.class).provenance("topics");
            assertThat(p.file()).isEqualTo(model);
            assertThat(p.source()).isEqualTo(ModelProvenance.Source.CONFIGURED_FILE);
        });
    }

    @Test
    void aClasspathResourceInsideAJarIsCopiedUnderTheDataDirectory() throws Exception {
        Path model = StarterFixtures.model(TrainingArgs.Loss.HSM);
        Path jar = elsewhere.resolve("models.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("models/topics.bin"));
            Files.copy(model, (OutputStream) out);
            out.closeEntry();
        }
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            StarterFixtures.runner(data).withClassLoader(loader).withPropertyValues("kindling.models.topics.checkpoint=classpath:models/topics.bin")
                    .run(ctx -> {
                        assertThat(ctx).hasNotFailed();
                        ModelProvenance p = ctx.getBean(ModelRegistry.class).provenance("topics");
                        assertThat(p.file()).isEqualTo(data.resolve("topics").resolve("configured").resolve("topics.bin"));
                        assertThat(p.sha256()).isEqualTo(ContentHash.sha256(model));
                    });
        }
    }

    @Test
    void aMissingResourceFailsNamingTheProperty() {
        StarterFixtures.runner(data).withPropertyValues("kindling.models.topics.checkpoint=classpath:no/such/model.bin").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().isInstanceOf(InvalidKindlingPropertyException.class)
                    .hasMessageContaining("kindling.models.topics.checkpoint").hasMessageContaining("no resource exists");
        });
    }

    @Test
    void plainPathsStayFilePaths() {
        assertThat(ModelFiles.isResourceLocation("/models/a.bin")).isFalse();
        assertThat(ModelFiles.isResourceLocation("kindling-data/a.bin")).isFalse();
        assertThat(ModelFiles.isResourceLocation("classpath:a.bin")).isTrue();
        assertThat(ModelFiles.isResourceLocation("https://example.org/a.bin")).isTrue();
    }
}
