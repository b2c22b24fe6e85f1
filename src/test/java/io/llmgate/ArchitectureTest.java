package io.llmgate;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import io.llmgate.transport.StrictTextMessages;
import io.llmgate.vertx.VertxInternals;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the compiled main classes: a change that breaks
 * one fails here with the offending class and line, rather than in a review.
 */
class ArchitectureTest {
  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.llmgate");

  @Test
  void errorImportsNothingOfOurs() {
    check(seesOfOursOnly("io.llmgate.error.."));
  }

  @Test
  void streamImportsOnlyError() {
    check(seesOfOursOnly("io.llmgate.stream..", "io.llmgate.error.."));
  }

  @Test
  void configImportsNothingOfOurs() {
    check(seesOfOursOnly("io.llmgate.config.."));
  }

  @Test
  void providersSeeOnlyConfigErrorAndStream() {
    check(seesOfOursOnly("io.llmgate.provider..", "io.llmgate.config..", "io.llmgate.error..", "io.llmgate.stream..",
        "io.llmgate.vertx.."));
  }

  @Test
  void transportsNeverSeeProviders() {
    check(noClasses().that().resideInAPackage("io.llmgate.transport..")
        .should().dependOnClassesThat().resideInAPackage("io.llmgate.provider.."));
  }

  /** A provider's anatomy (openai/, http/, resilience/ …) is its own; the engine uses the SPI only. */
  @Test
  void onlyTheCompositionRootSeesInsideProvidersAndTransports() {
    check(noClasses().that().resideOutsideOfPackages("io.llmgate", "io.llmgate.provider..")
        .should().dependOnClassesThat().resideInAPackage("io.llmgate.provider.*.."));
    check(noClasses().that().resideOutsideOfPackages("io.llmgate", "io.llmgate.transport..")
        .should().dependOnClassesThat().resideInAPackage("io.llmgate.transport.*.."));
  }

  /** docs/socketio.md: the Engine.IO/Socket.IO server is generic; only the gateway's binding (chat/) sees llmgate. */
  @Test
  void theSocketIoServerLayerSeesNothingOfTheGateway() {
    check(noClasses().that().resideInAPackage("io.llmgate.transport.socketio")
        .should().dependOnClassesThat(resideInAPackage("io.llmgate..")
            .and(not(resideInAPackage("io.llmgate.transport.socketio")))
            .and(not(equivalentTo(StrictTextMessages.class)))));
  }

  @Test
  void nothingSeesTheCompositionRoot() {
    check(noClasses().that().resideOutsideOfPackage("io.llmgate")
        .should().dependOnClassesThat().resideInAPackage("io.llmgate"));
  }

  @Test
  void noCyclesBetweenPackages() {
    check(slices().matching("io.llmgate.(*)..").should().beFreeOfCycles());
  }

  /**
   * Vert.x's internals change without notice: VertxInternalsTest pins each use of VertxInternals, and
   * HttpFramingTest the one class that must subclass Vert.x's request decoder to see every request's headers.
   */
  @Test
  void vertxInternalsAreUsedOnlyInTheirQuarantine() {
    check(noClasses().that().doNotBelongToAnyOf(VertxInternals.class)
        .and().doNotHaveFullyQualifiedName("io.llmgate.transport.http1.StrictRequestDecoder")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..impl..", "io.vertx.core.internal.."));
  }

  /** Netty's channel pipeline is reached through VertxInternals; only the HTTP/1.1 hardening adds handlers. */
  @Test
  void nettysPipelineIsUsedOnlyByVertxInternalsAndTheHttp1Hardening() {
    check(noClasses().that().resideOutsideOfPackages("io.llmgate.vertx", "io.llmgate.transport.http1")
        .should().dependOnClassesThat().resideInAnyPackage("io.netty.channel..", "io.netty.handler.."));
  }

  /** A provider is written against Vert.x and JDK types; Netty stays in the byte plumbing. */
  @Test
  void noNettyTypeInTheProviderSpi() {
    check(codeUnits().that().arePublic().and().areDeclaredInClassesThat()
        .resideInAnyPackage("io.llmgate.provider", "io.llmgate.provider.frame", "io.llmgate.provider.sse",
            "io.llmgate.provider.ndjson")
        .should(haveNoNettyTypeInTheirSignature()));
    check(noClasses().that().resideInAnyPackage("io.llmgate.provider", "io.llmgate.provider.openai",
            "io.llmgate.provider.anthropic", "io.llmgate.provider.gemini", "io.llmgate.provider.deepseek",
            "io.llmgate.provider.compatible", "io.llmgate.provider.local", "io.llmgate.provider.resilience",
            "io.llmgate.provider.frame", "io.llmgate.provider.ndjson")
        .should().dependOnClassesThat().resideInAPackage("io.netty.."));
  }

  private static ArchCondition<JavaCodeUnit> haveNoNettyTypeInTheirSignature() {
    return new ArchCondition<>("have no Netty type in their signature") {
      @Override
      public void check(JavaCodeUnit method, ConditionEvents events) {
        List<JavaClass> types = new ArrayList<>(method.getRawParameterTypes());
        types.add(method.getRawReturnType());
        types.stream().filter(type -> type.getPackageName().startsWith("io.netty")).forEach(type ->
            events.add(SimpleConditionEvent.violated(method, method.getFullName() + " uses " + type.getName())));
      }
    };
  }

  /** The classes of {@code packages} depend on none of ours but their own and {@code allowed}. */
  private static ArchRule seesOfOursOnly(String packages, String... allowed) {
    List<String> own = new ArrayList<>(List.of(allowed));
    own.add(packages);
    return noClasses().that().resideInAPackage(packages).should().dependOnClassesThat(
        resideInAPackage("io.llmgate..").and(not(resideInAnyPackage(own.toArray(String[]::new)))));
  }

  private static void check(ArchRule rule) {
    rule.check(MAIN);
  }
}
