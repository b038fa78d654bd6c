using System.ComponentModel.DataAnnotations;

namespace RetryDemo.Contracts;

/// <summary>
/// Runs an object's DataAnnotations rules (as <c>ValidateDataAnnotations</c> does at start-up) and keys
/// the errors for a problem details response: <paramref name="key"/> turns a member name into the name
/// the caller wrote (a camelCase JSON or query name, a header).
/// </summary>
public static class DataAnnotationErrors
{
    public static Dictionary<string, string[]> Of(object instance, Func<string, string>? key = null)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true);
        return results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(m => (Member: (key ?? CamelCase)(m), Message: r.ErrorMessage ?? "Invalid value.")))
            .GroupBy(e => e.Member)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
    }

    public static string CamelCase(string member) => member.Length == 0 ? member : char.ToLowerInvariant(member[0]) + member[1..];
}
