// A source server's launch configuration: the general launch settings DRS keeps per server beside
// its EC2 launch template (GetLaunchConfiguration / UpdateLaunchConfiguration). A server starts
// from DRS's own defaults, overlaid by the scenario's default launch settings (DRS applies the
// account's defaults to every newly added server), overlaid by the server's own block.
import { validationError } from './errors.ts';
import { launchTemplateIdFor } from './ids.ts';
import type { ScenarioLaunchConfiguration, ScenarioLaunchSettings } from './scenario.ts';
import type { LaunchConfiguration } from './wire.ts';

/**
 * The launch settings DRS gives a newly added source server while nobody changed the defaults.
 * - targetInstanceTypeRightSizingMethod BASIC: DRS user guide, "Default AWS DRS launch settings":
 *   instance type right sizing "is active (default)".
 * - postLaunchEnabled true: DRS user guide, "Post-launch settings" (a server's settings "are created
 *   automatically based on the Default post-launch actions") and "Activating post-launch actions
 *   default settings" (active by default for newly added servers once the defaults are active).
 *   That post-launch actions are on for every server added after a given date is *unconfirmed*:
 *   no stored source gives the date.
 * - launchDisposition STARTED, copyPrivateIp false, copyTags false, licensing.osByol false: the
 *   console's initial "Default DRS launch settings" (start the instance, license included, no
 *   private IP or tags copied); *unconfirmed*: no stored source states these values.
 */
export const drsDefaultLaunchSettings = {
  launchDisposition: 'STARTED',
  targetInstanceTypeRightSizingMethod: 'BASIC',
  copyPrivateIp: false,
  copyTags: false,
  licensing: { osByol: false },
  postLaunchEnabled: true,
} as const satisfies ScenarioLaunchSettings;

/** The launch configuration of a server DRS has just added. */
export function newLaunchConfiguration(
  sourceServerID: string,
  hostname: string,
  accountDefaults: ScenarioLaunchSettings,
  own: ScenarioLaunchConfiguration = {},
): LaunchConfiguration {
  const settings = { ...drsDefaultLaunchSettings, ...definedMembers(accountDefaults), ...definedMembers(own) };
  return {
    sourceServerID,
    // DRS names a server's launch configuration after its hostname.
    name: own.name ?? hostname,
    ec2LaunchTemplateID: own.ec2LaunchTemplateID ?? launchTemplateIdFor(sourceServerID),
    launchDisposition: settings.launchDisposition,
    targetInstanceTypeRightSizingMethod: settings.targetInstanceTypeRightSizingMethod,
    copyPrivateIp: settings.copyPrivateIp,
    copyTags: settings.copyTags,
    licensing: { ...settings.licensing },
    postLaunchEnabled: settings.postLaunchEnabled,
    ...(own.launchIntoInstanceProperties ? { launchIntoInstanceProperties: { ...own.launchIntoInstanceProperties } } : {}),
    ...(settings.recoveryMode ? { recoveryMode: settings.recoveryMode } : {}),
  };
}

/** The members UpdateLaunchConfiguration takes besides sourceServerID (ec2LaunchTemplateID is DRS's). */
const updatableMembers = [
  'name', 'launchDisposition', 'targetInstanceTypeRightSizingMethod', 'copyPrivateIp', 'copyTags', 'postLaunchEnabled', 'recoveryMode',
] as const satisfies readonly (keyof LaunchConfiguration)[];

/** UpdateLaunchConfiguration's input (already checked against the model). */
export type LaunchConfigurationUpdate = Partial<Pick<LaunchConfiguration, (typeof updatableMembers)[number] | 'licensing' | 'launchIntoInstanceProperties'>>;

function definedMembers<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined && member !== null)) as Partial<T>;
}

/**
 * Applies an update: members given replace the stored ones, members omitted stay. An empty
 * `launchIntoInstanceProperties` clears the launch-into instance (an empty ID fails the model's
 * pattern, so `{}` is how a caller removes it).
 */
export function updatedLaunchConfiguration(current: LaunchConfiguration, update: LaunchConfigurationUpdate): LaunchConfiguration {
  // Only the modelled members: the validator checks those and lets unknown body members through.
  const members = definedMembers(Object.fromEntries(updatableMembers.map((member) => [member, update[member]])) as LaunchConfigurationUpdate);
  const next: LaunchConfiguration = { ...current, ...members, licensing: { ...current.licensing, ...definedMembers(update.licensing ?? {}) } };
  const { launchIntoInstanceProperties } = update;
  if (launchIntoInstanceProperties) {
    const launchIntoEC2InstanceID = launchIntoInstanceProperties.launchIntoEC2InstanceID;
    if (launchIntoEC2InstanceID) next.launchIntoInstanceProperties = { launchIntoEC2InstanceID };
    else delete next.launchIntoInstanceProperties;
  }
  checkLaunchInto(next);
  return next;
}

/**
 * Launching into an existing instance while copying the source's private IP or tags is refused:
 * the user guide ("Launch into source instance") lists both as "must be deactivated". It states
 * that for the default setting; that UpdateLaunchConfiguration refuses it too is *unconfirmed*.
 * The model cannot say so, hence a ValidationException naming the conflicting members.
 */
function checkLaunchInto(configuration: LaunchConfiguration): void {
  if (!configuration.launchIntoInstanceProperties?.launchIntoEC2InstanceID) return;
  const conflicting = (['copyPrivateIp', 'copyTags'] as const).filter((member) => configuration[member]);
  if (conflicting.length === 0) return;
  const message = 'must be false when launchIntoInstanceProperties.launchIntoEC2InstanceID is set: the existing instance keeps its own IP and tags';
  throw validationError(
    `Cannot launch into an existing instance with ${conflicting.join(' and ')} on`,
    'fieldValidationFailed',
    conflicting.map((name) => ({ name, message: `${name} ${message}` })),
  );
}
