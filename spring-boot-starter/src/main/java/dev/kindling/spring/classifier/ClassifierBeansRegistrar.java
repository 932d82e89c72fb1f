package dev.kindling.spring.classifier;

import dev.kindling.spring.model.KindlingModelProperties;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

import java.util.Map;

/**
 * Registers one {@link Classifier} bean per entry of {@code kindling.models}, named {@code kindling.classifier.<name>} and
 * qualified by the model's name, so that {@code @Qualifier("products") Classifier products} injects model "products".
 * The beans are the {@link Classifiers}' own instances.
 */
final class ClassifierBeansRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

    static final String PREFIX = "kindling.classifier.";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
        Map<String, KindlingModelProperties.Model> models = Binder.get(environment)
                .bind("kindling.models", Bindable.mapOf(String.class, KindlingModelProperties.Model.class))
                .orElse(Map.of());
        BeanFactory factory = (BeanFactory) registry;
        for (String name : models.keySet()) {
            String beanName = PREFIX + name;
            if (registry.containsBeanDefinition(beanName)) {
                continue;
            }
            RootBeanDefinition def = new RootBeanDefinition(Classifier.class, () -> factory.getBean(Classifiers.class).get(name));
            def.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
            registry.registerBeanDefinition(beanName, def);
        }
    }
}
