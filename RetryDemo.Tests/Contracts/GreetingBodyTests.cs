using System.Text;
using System.Text.Json;
using RetryDemo.Contracts;

namespace RetryDemo.Tests.Contracts;

[Trait("Category", "Unit")]
public sealed class GreetingBodyTests
{
    [Theory]
    [InlineData("Ada")]
    [InlineData("👨‍👩‍👧‍👦 李 é")]
    [InlineData("quote \" backslash \\ <tag> & 'apostrophe'")]
    public void Write_AnyName_ReadsBackAsTheSameName(string name) =>
        Assert.Equal(name, JsonDocument.Parse(GreetingBody.Write(name)).RootElement.GetProperty("name").GetString());

    [Fact]
    public void Write_NonAsciiName_IsItsUtf8WithoutEscapes()
    {
        var name = "👨‍👩‍👧‍👦李é";

        var body = GreetingBody.Write(name);

        Assert.Equal($$"""{"name":"{{name}}"}""", Encoding.UTF8.GetString(body));
        Assert.Equal(Encoding.UTF8.GetByteCount(name) + 11, body.Length);
    }

    [Fact]
    public void Write_QuoteAndControl_AreEscapedAsJsonRequires() =>
        Assert.Equal("""{"name":"a\"b\\c\n"}""", Encoding.UTF8.GetString(GreetingBody.Write("a\"b\\c\n")));

    public static TheoryData<string, int> HeaviestValidNames => new()
    {
        { "👨‍👩‍👧‍👦", 100 },
        { "a" + new string('\u0301', 31), 39 },
        { "李", 100 },
        { "\"", 100 },
    };

    /// <summary>The heaviest valid names fit the body limit even with every character escaped as \uXXXX.</summary>
    [Theory]
    [MemberData(nameof(HeaviestValidNames))]
    public void MaxBytes_HeaviestValidNameFullyEscaped_Fits(string cluster, int count)
    {
        var name = string.Concat(Enumerable.Repeat(cluster, count));
        Assert.Null(GreetingNameAttribute.Problem(name));

        var escaped = "{\"name\":\"" + string.Concat(name.Select(c => $"\\u{(int)c:X4}")) + "\"}";

        Assert.Equal(name, JsonDocument.Parse(escaped).RootElement.GetProperty("name").GetString());
        Assert.True(Encoding.UTF8.GetByteCount(escaped) <= GreetingBody.MaxBytes, $"{count} × {cluster}: {Encoding.UTF8.GetByteCount(escaped)} bytes");
    }
}
