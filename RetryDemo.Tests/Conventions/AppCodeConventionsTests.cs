using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RetryDemo.Tests.Infrastructure;

namespace RetryDemo.Tests.Conventions;

/// <summary>
/// The shape the app code keeps (issue #34), read from the sources: folders that depend one way, files and
/// methods a newcomer can read at once, one LoggerMessage id scheme. App code only: not tests or benchmarks.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class AppCodeConventionsTests
{
    private const int MaxFileLines = 150;
    private const int MaxMethodLines = 50;

    private static readonly string[] AppProjects =
        ["RetryDemo.AppHost", "RetryDemo.ClientService", "RetryDemo.Contracts", "RetryDemo.HelloService", "RetryDemo.ServiceDefaults", "RetryDemo.Store"];

    /// <summary>The first digit of every event id a project's LoggerMessages use.</summary>
    private static readonly Dictionary<string, int> EventIdThousands = new()
    {
        ["RetryDemo.ServiceDefaults"] = 1,
        ["RetryDemo.HelloService"] = 2,
        ["RetryDemo.ClientService"] = 3,
        ["RetryDemo.Store"] = 4,
    };

    [Theory]
    [InlineData("RetryDemo.HelloService")]
    [InlineData("RetryDemo.ClientService")]
    public void Folders_OfAService_DependOneWay(string project)
    {
        var graph = FolderDependencies(project);
        foreach (var (folder, uses) in graph.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{(folder.Length == 0 ? "(root)" : folder)} -> {string.Join(", ", uses.Order(StringComparer.Ordinal))}");
        }

        Assert.True(Cycle(graph) is null, $"{project}'s folders depend in a cycle: {string.Join(" -> ", Cycle(graph) ?? [])}");
    }

    [Fact]
    public void Files_InAppCode_AreAtMost150Lines()
    {
        var long_ = Sources().Select(f => (f.Path, Lines: File.ReadAllLines(f.Path).Length)).Where(f => f.Lines > MaxFileLines).ToList();

        Assert.True(long_.Count == 0, string.Join("\n", long_.Select(f => $"{Relative(f.Path)}: {f.Lines} lines")));
    }

    [Fact]
    public void Methods_InAppCode_AreAtMost50Lines()
    {
        var long_ = (from file in Sources()
                     from member in CSharpSyntaxTree.ParseText(File.ReadAllText(file.Path)).GetRoot().DescendantNodes()
                     where member is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax
                     let span = member.GetLocation().GetLineSpan()
                     let lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1
                     where lines > MaxMethodLines
                     select $"{Relative(file.Path)}:{span.StartLinePosition.Line + 1}: {lines} lines").ToList();

        Assert.True(long_.Count == 0, string.Join("\n", long_));
    }

    [Fact]
    public void LoggerMessages_EventIds_AreUniqueAndInTheirProjectsThousand()
    {
        var ids = (from file in Sources()
                   from attribute in CSharpSyntaxTree.ParseText(File.ReadAllText(file.Path)).GetRoot().DescendantNodes().OfType<AttributeSyntax>()
                   where attribute.Name.ToString() is "LoggerMessage" or "LoggerMessageAttribute"
                   let eventId = attribute.ArgumentList?.Arguments.SingleOrDefault(a => a.NameEquals?.Name.Identifier.Text == "EventId")
                   select (file.Project, Where: $"{Relative(file.Path)}:{attribute.GetLocation().GetLineSpan().StartLinePosition.Line + 1}",
                       Id: eventId is null ? (int?)null : int.Parse(eventId.Expression.ToString(), System.Globalization.CultureInfo.InvariantCulture))).ToList();

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.True(id.Id is { } n && n / 1000 == EventIdThousands[id.Project],
            $"{id.Where}: a LoggerMessage names its EventId (EventId = …), in {id.Project}'s range {EventIdThousands[id.Project]}000–{EventIdThousands[id.Project]}999"));
        var repeated = ids.GroupBy(i => i.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Where))}").ToList();
        Assert.True(repeated.Count == 0, string.Join("\n", repeated));
    }

    [Fact]
    public void Cycle_OfAGraphWithOne_IsFound()
    {
        var graph = new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["A"] };

        Assert.NotNull(Cycle(graph));
        Assert.Null(Cycle(new Dictionary<string, HashSet<string>> { ["A"] = ["B"], ["B"] = [], ["D"] = ["A", "B"] }));
    }

    /// <summary>Each folder of <paramref name="project"/> (by namespace) and the folders it names, in using directives or qualified names.</summary>
    private static Dictionary<string, HashSet<string>> FolderDependencies(string project)
    {
        var graph = new Dictionary<string, HashSet<string>>();
        var reference = new Regex(Regex.Escape(project) + @"((?:\.[A-Z][A-Za-z]*)*)\b");
        foreach (var (path, _) in Sources().Where(s => s.Project == project))
        {
            var folder = Path.GetRelativePath(RepositoryPaths.ProjectDirectory(project), Path.GetDirectoryName(path)!).Replace(Path.DirectorySeparatorChar, '.');
            folder = folder == "." ? "" : folder;
            var uses = graph.TryGetValue(folder, out var known) ? known : graph[folder] = [];
            var code = string.Join('\n', File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith("namespace ", StringComparison.Ordinal)));
            foreach (Match match in reference.Matches(code))
            {
                var target = match.Groups[1].Value.TrimStart('.');
                // A qualified type name (RetryDemo.X.Folder.Type) names its folder: keep the longest known folder prefix.
                while (target.Length > 0 && !Directory.Exists(Path.Combine(RepositoryPaths.ProjectDirectory(project), target.Replace('.', Path.DirectorySeparatorChar))))
                {
                    target = target.Contains('.') ? target[..target.LastIndexOf('.')] : "";
                }

                if (target != folder && target.Length > 0)
                {
                    uses.Add(target);
                }
            }
        }

        return graph;
    }

    private static List<string>? Cycle(Dictionary<string, HashSet<string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            if (path.IndexOf(node) is var at and >= 0)
            {
                return [.. path[at..], node];
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return graph.Keys.Select(Visit).FirstOrDefault(c => c is not null);
    }

    private static IEnumerable<(string Path, string Project)> Sources() =>
        from project in AppProjects
        from path in Directory.EnumerateFiles(RepositoryPaths.ProjectDirectory(project), "*.cs", SearchOption.AllDirectories)
        where !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
              && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        select (path, project);

    private static string Relative(string path) => Path.GetRelativePath(RepositoryPaths.Root, path);
}
