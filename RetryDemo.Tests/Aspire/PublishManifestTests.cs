using System.Diagnostics;
using System.Text.Json;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.AspireHosting;

/// <summary>
/// What azd deploys: the manifest the AppHost writes in publish mode, produced the way azd asks for it
/// (<c>dotnet run --project RetryDemo.AppHost -- --publisher manifest --output-path …</c>).
/// </summary>
[Trait("Category", "Publish")]
public sealed class PublishManifestTests : IClassFixture<PublishManifestTests.Manifest>
{
    private readonly JsonElement _resources;

    public PublishManifestTests(Manifest manifest) => _resources = manifest.Document.RootElement.GetProperty("resources");

    [Fact]
    public void Hello_HasNoExternalEndpoint()
    {
        var bindings = _resources.GetProperty("hello").GetProperty("bindings").EnumerateObject().ToList();

        Assert.NotEmpty(bindings);
        Assert.All(bindings, b => Assert.False(b.Value.TryGetProperty("external", out var external) && external.GetBoolean(), $"hello's {b.Name} binding is external"));
    }

    [Fact]
    public void Store_IsAProjectWithATcpEndpoint_NothingExternal()
    {
        var store = _resources.GetProperty("store");
        var bindings = store.GetProperty("bindings").EnumerateObject().ToDictionary(b => b.Name, b => b.Value);

        Assert.Equal("project.v0", store.GetProperty("type").GetString());
        Assert.Equal("tcp", bindings["tcp"].GetProperty("transport").GetString());
        Assert.All(bindings, b => Assert.False(b.Value.TryGetProperty("external", out var external) && external.GetBoolean(), $"store's {b.Key} binding is external"));
        // In a container the store listens beyond loopback, for HelloService's replicas.
        Assert.Equal("0.0.0.0", store.GetProperty("env").GetProperty("Store__Bind").GetString());
    }

    [Fact]
    public void Hello_FindsTheStoreThroughItsTcpEndpoint_WithThePassword()
    {
        var connection = _resources.GetProperty("hello").GetProperty("env").GetProperty("ConnectionStrings__store").GetString();

        Assert.Equal("{store.bindings.tcp.host}:{store.bindings.tcp.port},password={store-password.value}", connection);
    }

    [Fact]
    public void StorePassword_IsASecretWithAGeneratedDefault_GivenToTheStore()
    {
        var input = _resources.GetProperty("store-password").GetProperty("inputs").GetProperty("value");
        var generate = input.GetProperty("default").GetProperty("generate");

        Assert.True(input.GetProperty("secret").GetBoolean());
        Assert.True(generate.GetProperty("minLength").GetInt32() >= 32);
        // Letters and digits only: a comma or '=' would break HelloService's connection string.
        Assert.False(generate.GetProperty("special").GetBoolean());
        Assert.Equal("{store-password.value}", _resources.GetProperty("store").GetProperty("env").GetProperty("Store__Password").GetString());
    }

    [Fact]
    public void Client_HttpEndpointIsExternal()
    {
        var http = _resources.GetProperty("client").GetProperty("bindings").GetProperty("http");

        Assert.True(http.GetProperty("external").GetBoolean());
    }

    [Fact]
    public void FaultControlKey_IsASecretWithAGeneratedDefault()
    {
        var input = _resources.GetProperty("fault-control-key").GetProperty("inputs").GetProperty("value");

        Assert.True(input.GetProperty("secret").GetBoolean());
        Assert.True(input.GetProperty("default").GetProperty("generate").GetProperty("minLength").GetInt32() >= 32);
    }

    [Fact]
    public void EveryParameter_HasADefault_SoAzdNeverPrompts()
    {
        var parameters = _resources.EnumerateObject().Where(r => r.Value.GetProperty("type").GetString() == "parameter.v0").ToList();

        Assert.Equal(["fault-control-key", "hello-fail-first", "hello-failure-rate", "hello-failure-status", "hello-latency-ms", "store-password"], parameters.Select(p => p.Name).Order());
        Assert.All(parameters, p => Assert.True(
            p.Value.GetProperty("inputs").EnumerateObject().All(i => i.Value.TryGetProperty("default", out _)),
            $"parameter {p.Name} has an input without a default: azd would ask for it"));
    }

    [Theory]
    [InlineData("hello-fail-first", "0")]
    [InlineData("hello-failure-rate", "0")]
    [InlineData("hello-failure-status", "503")]
    [InlineData("hello-latency-ms", "0")]
    public void FaultSettings_DefaultToNoFaults(string parameter, string expected)
    {
        var value = _resources.GetProperty(parameter).GetProperty("inputs").GetProperty("value").GetProperty("default").GetProperty("value").GetString();

        Assert.Equal(expected, value);
    }

    [Fact]
    public void NothingOnlyALaunchProfileSets_ReachesTheManifest()
    {
        var services = new[] { ("store", "RetryDemo.Store"), ("hello", "RetryDemo.HelloService"), ("client", "RetryDemo.ClientService") };

        foreach (var (resource, project) in services)
        {
            var env = _resources.GetProperty(resource).GetProperty("env").EnumerateObject().ToDictionary(e => e.Name, e => e.Value.GetString());
            var profiles = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.ProjectDirectory(project), "Properties", "launchSettings.json")))
                .RootElement.GetProperty("profiles").EnumerateObject().ToList();
            Assert.NotEmpty(profiles);

            foreach (var variable in profiles.SelectMany(p => p.Value.GetProperty("environmentVariables").EnumerateObject()))
            {
                Assert.False(env.TryGetValue(variable.Name, out var value) && value == variable.Value.GetString(),
                    $"{resource}: {variable.Name}={variable.Value} comes from a launch profile");
            }

            Assert.DoesNotContain("ASPNETCORE_ENVIRONMENT", env.Keys);
            Assert.DoesNotContain(env, e => e.Value?.Contains("localhost", StringComparison.OrdinalIgnoreCase) == true);
        }
    }

    public sealed class Manifest : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("retrydemo-manifest-").FullName;

        public JsonDocument Document { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            var path = Path.Combine(_directory, "aspire-manifest.json");
            var start = new ProcessStartInfo("dotnet",
                ["run", "--project", Path.Combine(RepositoryPaths.ProjectDirectory("RetryDemo.AppHost"), "RetryDemo.AppHost.csproj"),
                 "--no-build", "-c", RepositoryPaths.Configuration, "--", "--publisher", "manifest", "--output-path", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                // Never left running, whether it hung or the run was cancelled.
                process.Kill(entireProcessTree: true);
                if (ex is OperationCanceledException)
                {
                    throw;
                }

                throw new TimeoutException($"The AppHost did not write its manifest within 2 minutes:\n{await output}\n{await errors}");
            }

            Assert.True(process.ExitCode == 0 && File.Exists(path), $"publish mode failed ({process.ExitCode}):\n{await output}\n{await errors}");
            Document = JsonDocument.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        }

        public ValueTask DisposeAsync()
        {
            Document?.Dispose();
            Directory.Delete(_directory, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
