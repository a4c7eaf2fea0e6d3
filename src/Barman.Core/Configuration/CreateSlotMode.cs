namespace Barman.Core.Configuration;

internal enum CreateSlotMode
{
    Manual,
    Auto,
}
