using System.Reflection;

namespace RetryDemo.Tests.Conventions;

/// <summary>
/// Every test class says its weight once, as a class-level <c>[Trait("Category", …)]</c> from the list in
/// docs/testing.md, so <c>dotnet test --filter "Category=…"</c> selects each test into exactly one category.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CategoryTests
{
    private static readonly string[] Categories = ["Unit", "Component", "App", "Browser", "Publish"];

    [Fact]
    public void EveryTestClass_HasExactlyOneKnownCategory()
    {
        var testClasses = typeof(CategoryTests).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && type.GetMethods().Any(m => m.IsDefined(typeof(FactAttribute), inherit: true)));

        var wrong = testClasses
            .Select(type => (type, categories: type.GetCustomAttributes<TraitAttribute>(inherit: true).Where(t => t.Name == "Category").Select(t => t.Value).ToList()))
            .Where(c => c.categories.Count != 1 || !Categories.Contains(c.categories[0]))
            .Select(c => $"{c.type.FullName}: [{string.Join(", ", c.categories)}]")
            .ToList();

        Assert.True(wrong.Count == 0, $"Each test class needs exactly one of [Trait(\"Category\", …)] {string.Join(", ", Categories)}:\n{string.Join('\n', wrong)}");
        Assert.NotEmpty(testClasses);
    }

    [Fact]
    public void TestMethods_CarryNoCategoryOfTheirOwn()
    {
        var methods = typeof(CategoryTests).Assembly.GetTypes().SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttributes<TraitAttribute>().Any(t => t.Name == "Category"))
            .Select(method => $"{method.DeclaringType?.FullName}.{method.Name}");

        Assert.Empty(methods);
    }
}
